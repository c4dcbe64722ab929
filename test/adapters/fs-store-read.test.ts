/**
 * The directory evidence store on real temporary directories: bounded reads whatever `stat` says, symbolic links
 * that leave the store, and entries that are not regular files (directories, FIFOs, sockets, devices).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsEvidenceStore } from '../../lambdas/adapters/fs-store';
import { StoreUnreachableError } from '../../lambdas/ports';

const MiB = 1024 * 1024;
const created: string[] = [];
const servers: net.Server[] = [];

async function storeWith(files: Record<string, string> = {}): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'usr-fs-read-'));
  created.push(root);
  for (const [key, content] of Object.entries(files)) {
    const file = path.join(root, ...key.split('/'));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  return root;
}

async function link(root: string, key: string, target: string): Promise<void> {
  const file = path.join(root, ...key.split('/'));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.symlink(target, file);
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

async function listenOn(file: string): Promise<void> {
  const server = net.createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(file, resolve));
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await Promise.all(created.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

const DRILL = 'drills/row-a/20261120T100000Z-d1.json';

describe('FsEvidenceStore.read (bounded)', () => {
  it('stops at the limit + 1 byte on a file whose stat says 0 bytes (/proc/self/pagemap)', async () => {
    const store = new FsEvidenceStore('/proc/self');
    const result = await store.read('pagemap', MiB);
    expect(result).toMatchObject({ kind: 'too-large', key: 'pagemap' });
    expect(result.kind === 'too-large' && result.size).toBeGreaterThan(MiB);
  });

  it('refuses a file over the limit and reads one at the limit', async () => {
    const root = await storeWith({ 'drills/row-a/big.json': 'x'.repeat(101), [DRILL]: 'y'.repeat(100) });
    const store = new FsEvidenceStore(root);
    expect(await store.read('drills/row-a/big.json', 100)).toEqual({
      kind: 'too-large',
      key: 'drills/row-a/big.json',
      size: 101,
    });
    const ok = await store.read(DRILL, 100);
    expect(ok.kind === 'ok' && Buffer.from(ok.object.bytes).toString()).toBe('y'.repeat(100));
  });

  it('reads an artifact larger than one read chunk in full', async () => {
    const content = 'z'.repeat(3 * 65536 + 17);
    const store = new FsEvidenceStore(await storeWith({ [DRILL]: content }));
    const result = await store.read(DRILL, 5 * MiB);
    expect(result.kind === 'ok' && Buffer.from(result.object.bytes).toString()).toBe(content);
    expect(result.kind === 'ok' && result.object.size).toBe(content.length);
  });

  it('reports a missing key as missing', async () => {
    const store = new FsEvidenceStore(await storeWith());
    expect(await store.read(DRILL, MiB)).toEqual({ kind: 'missing', key: DRILL });
  });
});

describe('FsEvidenceStore.read (links and entries that are not files)', () => {
  it('refuses a link to /etc/passwd as outside the store and returns none of its bytes', async () => {
    const root = await storeWith();
    await link(root, DRILL, '/etc/passwd');
    const result = await new FsEvidenceStore(root).read(DRILL, MiB);
    expect(result).toEqual({
      kind: 'refused',
      key: DRILL,
      message: expect.stringContaining('outside the store'),
    });
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('refuses a link to /proc/self/pagemap without reading it', async () => {
    const root = await storeWith();
    await link(root, DRILL, '/proc/self/pagemap');
    expect(await new FsEvidenceStore(root).read(DRILL, 5 * MiB)).toEqual({
      kind: 'refused',
      key: DRILL,
      message: expect.stringContaining('outside the store'),
    });
  });

  it('refuses a relative link that climbs out of the store', async () => {
    const outside = await storeWith({ 'secret.json': '{"secret":true}' });
    const root = await storeWith();
    await link(
      root,
      DRILL,
      path.relative(path.join(root, 'drills', 'row-a'), path.join(outside, 'secret.json')),
    );
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toMatchObject({ kind: 'refused', key: DRILL });
  });

  it('refuses a key whose folder is a link that leaves the store', async () => {
    const outside = await storeWith({ '20261120T100000Z-d1.json': '{}' });
    const root = await storeWith();
    await link(root, 'drills/row-a', outside);
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toMatchObject({ kind: 'refused', key: DRILL });
  });

  it('refuses a key that climbs out of the store with ..', async () => {
    const outside = await storeWith({ 'policy.json': '[]' });
    const root = await storeWith();
    const key = `${path.relative(root, outside)}/policy.json`;
    expect(await new FsEvidenceStore(root).read(key, MiB)).toMatchObject({ kind: 'refused', key });
  });

  it('follows a link that stays inside the store', async () => {
    const root = await storeWith({ 'drills/row-a/original.json': '{"a":1}' });
    await link(root, DRILL, 'original.json');
    const result = await new FsEvidenceStore(root).read(DRILL, MiB);
    expect(result.kind === 'ok' && Buffer.from(result.object.bytes).toString()).toBe('{"a":1}');
    expect(result.kind === 'ok' && result.object.key).toBe(DRILL);
  });

  it('follows links inside a store whose root is itself reached through a link', async () => {
    const real = await storeWith({ [DRILL]: '{"b":2}' });
    const holder = await storeWith();
    await fs.symlink(real, path.join(holder, 'store'));
    const result = await new FsEvidenceStore(path.join(holder, 'store')).read(DRILL, MiB);
    expect(result.kind).toBe('ok');
  });

  it('refuses a link whose target does not exist', async () => {
    const root = await storeWith();
    await link(root, DRILL, 'nowhere.json');
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toMatchObject({ kind: 'refused', key: DRILL });
  });

  it('refuses a directory where an artifact should be', async () => {
    const root = await storeWith({ [`${DRILL}/inner.json`]: '{}' });
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toEqual({
      kind: 'refused',
      key: DRILL,
      message: 'a directory, not a file',
    });
  });

  it('refuses a FIFO without blocking on it', async () => {
    const root = await storeWith({ 'drills/row-a/.keep': '' });
    mkfifo(path.join(root, ...DRILL.split('/')));
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toEqual({
      kind: 'refused',
      key: DRILL,
      message: 'a FIFO (named pipe), not a file',
    });
  });

  it('refuses a link (inside the store) to a FIFO without blocking on it', async () => {
    const root = await storeWith({ 'drills/row-a/.keep': '' });
    mkfifo(path.join(root, 'drills', 'row-a', 'pipe'));
    await link(root, DRILL, 'pipe');
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toMatchObject({
      kind: 'refused',
      message: 'a FIFO (named pipe), not a file',
    });
  });

  it('refuses a socket', async () => {
    const root = await storeWith({ 'drills/row-a/.keep': '' });
    await listenOn(path.join(root, ...DRILL.split('/')));
    expect(await new FsEvidenceStore(root).read(DRILL, MiB)).toEqual({
      kind: 'refused',
      key: DRILL,
      message: 'a socket, not a file',
    });
  });

  it('refuses a device', async () => {
    expect(await new FsEvidenceStore('/dev').read('null', MiB)).toEqual({
      kind: 'refused',
      key: 'null',
      message: 'a device, not a file',
    });
  });

  it('refuses a policy that links outside the store the same way', async () => {
    const root = await storeWith();
    await link(root, 'policy/usr-operational-readiness-policy.json', '/etc/passwd');
    expect(
      await new FsEvidenceStore(root).read('policy/usr-operational-readiness-policy.json', MiB),
    ).toMatchObject({ kind: 'refused', message: expect.stringContaining('outside the store') });
  });
});

describe('FsEvidenceStore.listDrills', () => {
  it('lists every entry of the row folder, files or not, sorted', async () => {
    const outside = await storeWith({ 'x.json': '{}' });
    const root = await storeWith({
      'drills/row-a/20261101T000000Z-a.json': '{"a":1}',
      'drills/row-a/20261102T000000Z-dir/inner.json': '{}',
    });
    const folder = path.join(root, 'drills', 'row-a');
    mkfifo(path.join(folder, '20261103T000000Z-fifo.json'));
    await fs.symlink('/etc/passwd', path.join(folder, '20261104T000000Z-passwd.json'));
    await fs.symlink(path.join(outside, 'x.json'), path.join(folder, '20261105T000000Z-out.json'));
    await fs.symlink('nowhere', path.join(folder, '20261106T000000Z-dangling.json'));
    await listenOn(path.join(folder, '20261107T000000Z-sock.json'));
    const listed = await new FsEvidenceStore(root).listDrills('row-a');
    expect(listed.map((m) => m.key)).toEqual([
      'drills/row-a/20261101T000000Z-a.json',
      'drills/row-a/20261102T000000Z-dir',
      'drills/row-a/20261103T000000Z-fifo.json',
      'drills/row-a/20261104T000000Z-passwd.json',
      'drills/row-a/20261105T000000Z-out.json',
      'drills/row-a/20261106T000000Z-dangling.json',
      'drills/row-a/20261107T000000Z-sock.json',
    ]);
    expect(listed[0]).toMatchObject({ size: 7, etag: null, versionId: null });
  });

  it('keeps the startAfter (exclusive) and endAt (inclusive) bounds', async () => {
    const root = await storeWith({
      'drills/row-a/20261101T000000Z-a.json': '{}',
      'drills/row-a/20261102T000000Z-b.json': '{}',
      'drills/row-a/20261103T000000Z-c.json': '{}',
    });
    const store = new FsEvidenceStore(root);
    const keys = async (options: { startAfter?: string; endAt?: string }) =>
      (await store.listDrills('row-a', options)).map((m) => m.key.slice('drills/row-a/'.length));
    expect(await keys({ startAfter: '20261101T000000Z-a.json' })).toEqual([
      '20261102T000000Z-b.json',
      '20261103T000000Z-c.json',
    ]);
    expect(await keys({ endAt: '20261102T000000Z-b.json' })).toEqual([
      '20261101T000000Z-a.json',
      '20261102T000000Z-b.json',
    ]);
  });

  it('lists nothing, without blocking, for a row whose folder is a FIFO', async () => {
    const root = await storeWith({ 'drills/.keep': '' });
    mkfifo(path.join(root, 'drills', 'row-a'));
    expect(await new FsEvidenceStore(root).listDrills('row-a')).toEqual([]);
  });

  it('lists nothing for a row without a folder', async () => {
    expect(await new FsEvidenceStore(await storeWith()).listDrills('row-a')).toEqual([]);
  });

  it('refuses to list a row folder that links outside the store', async () => {
    const outside = await storeWith({ 'passwd-copy.json': '{}' });
    const root = await storeWith();
    await link(root, 'drills/row-a', outside);
    const listing = new FsEvidenceStore(root).listDrills('row-a');
    await expect(listing).rejects.toThrow(StoreUnreachableError);
    await expect(listing).rejects.toThrow(
      'drills/row-a: a symbolic link that leads outside the store (not followed)',
    );
  });
});
