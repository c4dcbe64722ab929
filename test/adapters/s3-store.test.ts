import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_LEDGER_BYTES } from '../../lambdas/constants';
import 'aws-sdk-client-mock-jest';
import { S3EvidenceStore, S3LedgerStore, S3ReportSink } from '../../lambdas/adapters/s3-store';
import { ReportWriteError, StoreUnreachableError } from '../../lambdas/ports';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const BUCKET = 'evidence';
const PREFIX = 'usr/';
const store = new S3EvidenceStore({ client, bucket: BUCKET, prefix: PREFIX });

const MODIFIED = new Date('2026-11-20T10:06:00Z');
const drillKey = (i: number): string =>
  `usr/drills/row-a/2026${String(i).padStart(6, '0')}T000000Z-d${i}.json`;

function page(keys: readonly string[], next?: string): Partial<ListObjectsV2CommandOutput> {
  return {
    Contents: keys.map((Key) => ({ Key, Size: 100, LastModified: MODIFIED, ETag: '"etag-1"' })),
    IsTruncated: next !== undefined,
    ...(next !== undefined ? { NextContinuationToken: next } : {}),
  };
}

const body = (text: string) => sdkStreamMixin(Readable.from([Buffer.from(text)]));

function serviceError(name: string, status: number, message = name): S3ServiceException {
  return new S3ServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

beforeEach(() => {
  s3.reset();
});

describe('S3EvidenceStore', () => {
  it('names its location s3://bucket/prefix', () => {
    expect(store.location).toBe('s3://evidence/usr');
    expect(new S3EvidenceStore({ client, bucket: BUCKET, prefix: '' }).location).toBe('s3://evidence');
  });

  describe('listDrills', () => {
    it('lists across more than 1,000 keys with continuation tokens', async () => {
      const first = Array.from({ length: 1000 }, (_, i) => drillKey(i));
      const second = Array.from({ length: 234 }, (_, i) => drillKey(1000 + i));
      s3.on(ListObjectsV2Command).resolvesOnce(page(first, 'token-2')).resolvesOnce(page(second));

      const listed = await store.listDrills('row-a');

      expect(listed).toHaveLength(1234);
      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
      expect(s3).toHaveReceivedNthSpecificCommandWith(1, ListObjectsV2Command, {
        Bucket: BUCKET,
        Prefix: 'usr/drills/row-a/',
        Delimiter: '/',
      });
      expect(s3).toHaveReceivedNthSpecificCommandWith(2, ListObjectsV2Command, {
        ContinuationToken: 'token-2',
      });
    });

    it('returns keys relative to the store with size, ISO LastModified and the ETag unquoted', async () => {
      s3.on(ListObjectsV2Command).resolves(page([drillKey(1)]));

      expect(await store.listDrills('row-a')).toEqual([
        {
          key: 'drills/row-a/2026000001T000000Z-d1.json',
          size: 100,
          lastModified: '2026-11-20T10:06:00.000Z',
          etag: 'etag-1',
          versionId: null,
        },
      ]);
    });

    it('lists only the recent window when startAfter is given (S3 StartAfter)', async () => {
      s3.on(ListObjectsV2Command).resolves(page([drillKey(7)]));

      await store.listDrills('row-a', { startAfter: '20261025T060000Z' });

      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
        Bucket: BUCKET,
        Prefix: 'usr/drills/row-a/',
        StartAfter: 'usr/drills/row-a/20261025T060000Z',
      });
    });

    it('stops paginating once the keys pass endAt and drops the keys after it', async () => {
      const endAt = '2026001500T000000Z';
      s3.on(ListObjectsV2Command)
        .resolvesOnce(
          page(
            Array.from({ length: 1000 }, (_, i) => drillKey(i)),
            'token-2',
          ),
        )
        .resolvesOnce(
          page(
            Array.from({ length: 1000 }, (_, i) => drillKey(1000 + i)),
            'token-3',
          ),
        )
        .resolvesOnce(page([drillKey(2000)]));

      const listed = await store.listDrills('row-a', { endAt });

      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
      expect(listed).toHaveLength(1500);
      expect(listed.at(-1)?.key).toBe('drills/row-a/2026001499T000000Z-d1499.json');
      expect(listed.every((o) => o.key <= `drills/row-a/${endAt}`)).toBe(true);
    });

    it('keeps a key exactly at endAt', async () => {
      s3.on(ListObjectsV2Command).resolves(
        page(['usr/drills/row-a/20261101T000000Z', 'usr/drills/row-a/20261101T000000Z-d.json']),
      );

      const listed = await store.listDrills('row-a', { endAt: '20261101T000000Z' });

      expect(listed.map((o) => o.key)).toEqual(['drills/row-a/20261101T000000Z']);
    });

    it('asks for no more keys than the limit (MaxKeys) and stops there, though S3 has more', async () => {
      s3.on(ListObjectsV2Command).resolves(page([drillKey(0)], 'token-2'));

      const listed = await store.listDrills('row-a', { limit: 1 });

      expect(listed.map((o) => o.key)).toEqual(['drills/row-a/2026000000T000000Z-d0.json']);
      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 1);
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
        Prefix: 'usr/drills/row-a/',
        Delimiter: '/',
        MaxKeys: 1,
      });
    });

    it('fills the limit past a folder marker from the next page, asking only for what is still wanted', async () => {
      s3.on(ListObjectsV2Command)
        .resolvesOnce(page(['usr/drills/row-a/', drillKey(1)], 'token-2'))
        .resolvesOnce(page([drillKey(2), drillKey(3)], 'token-3'));

      const listed = await store.listDrills('row-a', { limit: 3 });

      expect(listed.map((o) => o.key)).toEqual([
        'drills/row-a/2026000001T000000Z-d1.json',
        'drills/row-a/2026000002T000000Z-d2.json',
        'drills/row-a/2026000003T000000Z-d3.json',
      ]);
      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
      expect(s3).toHaveReceivedNthSpecificCommandWith(1, ListObjectsV2Command, { MaxKeys: 3 });
      expect(s3).toHaveReceivedNthSpecificCommandWith(2, ListObjectsV2Command, {
        MaxKeys: 2,
        ContinuationToken: 'token-2',
      });
    });

    it('asks for at most 1,000 keys per page under a larger limit', async () => {
      s3.on(ListObjectsV2Command).resolves(page([drillKey(1)]));

      await store.listDrills('row-a', { limit: 5000 });

      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { MaxKeys: 1000 });
    });

    it('lists a window between startAfter and endAt', async () => {
      s3.on(ListObjectsV2Command).resolves(page([drillKey(5), drillKey(6), drillKey(9)]));

      const listed = await store.listDrills('row-a', {
        startAfter: '2026000004T000000Z',
        endAt: '2026000006T000000Z-d6.json',
      });

      expect(listed.map((o) => o.key)).toEqual([
        'drills/row-a/2026000005T000000Z-d5.json',
        'drills/row-a/2026000006T000000Z-d6.json',
      ]);
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
        StartAfter: 'usr/drills/row-a/2026000004T000000Z',
      });
    });

    it('skips folder markers', async () => {
      s3.on(ListObjectsV2Command).resolves(page(['usr/drills/row-a/', 'usr/drills/row-a/x/', drillKey(3)]));

      expect((await store.listDrills('row-a')).map((o) => o.key)).toEqual([
        'drills/row-a/2026000003T000000Z-d3.json',
      ]);
    });

    it('returns nothing for a row without drills', async () => {
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });

      expect(await store.listDrills('row-a')).toEqual([]);
    });

    it('throws StoreUnreachableError when listing is impossible', async () => {
      s3.on(ListObjectsV2Command).rejects(serviceError('AccessDenied', 403, 'Access Denied'));

      await expect(store.listDrills('row-a')).rejects.toBeInstanceOf(StoreUnreachableError);
      await expect(store.listDrills('row-a')).rejects.toMatchObject({
        name: 'StoreUnreachableError',
        message: 'cannot list s3://evidence/usr/drills/row-a/: access denied (AccessDenied)',
      });
    });
  });

  describe('read', () => {
    it('reports a 403 on an object that a listing shows absent as missing (S3 hides 404 without list rights)', async () => {
      s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });

      await expect(store.read('schedule/cutover-windows.json', 1024)).resolves.toEqual({
        kind: 'missing',
        key: 'schedule/cutover-windows.json',
      });
    });

    it('reports a 403 on an object that exists as an access error', async () => {
      s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'usr/schedule/cutover-windows.json' }] });

      await expect(store.read('schedule/cutover-windows.json', 1024)).resolves.toMatchObject({
        kind: 'error',
        key: 'schedule/cutover-windows.json',
      });
    });

    it('reads a GetObject body stream with its ETag, VersionId and LastModified', async () => {
      s3.on(GetObjectCommand).resolves({
        Body: body('{"ok":true}'),
        ContentLength: 11,
        ETag: '"abc123"',
        VersionId: 'v-7',
        LastModified: MODIFIED,
      });

      const read = await store.read('policy/usr-operational-readiness-policy.json', 1024);

      expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
        Bucket: BUCKET,
        Key: 'usr/policy/usr-operational-readiness-policy.json',
      });
      expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 1);
      expect(read).toEqual({
        kind: 'ok',
        object: {
          key: 'policy/usr-operational-readiness-policy.json',
          size: 11,
          lastModified: '2026-11-20T10:06:00.000Z',
          etag: 'abc123',
          versionId: 'v-7',
          bytes: new Uint8Array(Buffer.from('{"ok":true}')),
        },
      });
    });

    it('refuses an object larger than maxBytes without reading its body', async () => {
      let pulled = false;
      const stream = new Readable({
        read() {
          pulled = true;
          this.push(Buffer.alloc(1024));
        },
      });
      s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(stream), ContentLength: 6 * 1024 * 1024 });

      const read = await store.read('drills/row-a/big.json', 5 * 1024 * 1024);

      expect(read).toEqual({ kind: 'too-large', key: 'drills/row-a/big.json', size: 6 * 1024 * 1024 });
      expect(pulled).toBe(false);
      expect(stream.destroyed).toBe(true);
    });

    it('stops reading a body without ContentLength as soon as it exceeds maxBytes', async () => {
      let chunks = 0;
      const stream = new Readable({
        read() {
          chunks++;
          this.push(Buffer.alloc(100));
        },
      });
      s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(stream) });

      const read = await store.read('drills/row-a/endless.json', 250);

      expect(read).toEqual({ kind: 'too-large', key: 'drills/row-a/endless.json', size: 300 });
      expect(chunks).toBeLessThan(10);
      expect(stream.destroyed).toBe(true);
    });

    it('reports a NoSuchKey as missing', async () => {
      s3.on(GetObjectCommand).rejects(
        new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }),
      );

      expect(await store.read('schedule/cutover-windows.json', 1024)).toEqual({
        kind: 'missing',
        key: 'schedule/cutover-windows.json',
      });
    });

    it('turns a 503 that outlasts the SDK retries into an error result, not an exception', async () => {
      s3.on(GetObjectCommand).rejects(serviceError('SlowDown', 503, 'Please reduce your request rate.'));

      expect(await store.read('drills/row-a/x.json', 1024)).toEqual({
        kind: 'error',
        key: 'drills/row-a/x.json',
        message: 'SlowDown: Please reduce your request rate. (HTTP 503)',
      });
    });

    it('turns a body that breaks mid-stream into an error result', async () => {
      const stream = new Readable({
        read() {
          this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        },
      });
      s3.on(GetObjectCommand).resolves({ Body: sdkStreamMixin(stream), ContentLength: 10 });

      const read = await store.read('drills/row-a/x.json', 1024);

      expect(read).toMatchObject({ kind: 'error', key: 'drills/row-a/x.json' });
      expect(read.kind === 'error' && read.message).toMatch(/socket hang up/);
    });

    it('keeps reading other artifacts after one fails', async () => {
      s3.on(GetObjectCommand, { Key: 'usr/drills/row-a/bad.json' })
        .rejects(serviceError('InternalError', 500))
        .on(GetObjectCommand, { Key: 'usr/drills/row-a/good.json' })
        .callsFake(() => ({ Body: body('{}'), ContentLength: 2 }));

      const [bad, good] = await Promise.all([
        store.read('drills/row-a/bad.json', 1024),
        store.read('drills/row-a/good.json', 1024),
      ]);

      expect(bad?.kind).toBe('error');
      expect(good?.kind).toBe('ok');
    });
  });

  describe('checkReachable', () => {
    it('makes one ListObjectsV2 of at most one key under the drills prefix', async () => {
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });

      await store.checkReachable();

      expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 1);
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
        Bucket: BUCKET,
        Prefix: 'usr/drills/',
        MaxKeys: 1,
      });
    });

    it('names a missing bucket', async () => {
      s3.on(ListObjectsV2Command).rejects(
        new NoSuchBucket({
          message: 'The specified bucket does not exist',
          $metadata: { httpStatusCode: 404 },
        }),
      );

      await expect(store.checkReachable()).rejects.toMatchObject({
        name: 'StoreUnreachableError',
        message: 's3://evidence/usr: bucket does not exist (NoSuchBucket)',
      });
    });

    it('names a denied access', async () => {
      s3.on(ListObjectsV2Command).rejects(serviceError('AccessDenied', 403, 'Access Denied'));

      await expect(store.checkReachable()).rejects.toThrow('s3://evidence/usr: access denied (AccessDenied)');
    });

    it('names missing credentials', async () => {
      s3.on(ListObjectsV2Command).rejects(
        Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        }),
      );

      await expect(store.checkReachable()).rejects.toThrow(
        's3://evidence/usr: no AWS credentials found (CredentialsProviderError)',
      );
    });

    it('names a refused connection with its address', async () => {
      s3.on(ListObjectsV2Command).rejects(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      );

      await expect(store.checkReachable()).rejects.toThrow(
        's3://evidence/usr: cannot connect to the endpoint (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9)',
      );
    });

    it('keeps the SDK error as the cause', async () => {
      const cause = serviceError('AccessDenied', 403);
      s3.on(ListObjectsV2Command).rejects(cause);

      await expect(store.checkReachable()).rejects.toMatchObject({ name: 'StoreUnreachableError', cause });
    });
  });
});

describe('S3ReportSink', () => {
  const sink = new S3ReportSink({ client, bucket: BUCKET, prefix: 'out/' });

  it('puts a report under its prefix as application/json', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });

    await sink.put('reports/latest/usr-rollback-drill-report.json', '{}\n', 'application/json');

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'out/reports/latest/usr-rollback-drill-report.json',
      Body: '{}\n',
      ContentType: 'application/json',
    });
  });

  it('sends the length of the body, also of an empty one', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e"' });
    await sink.put('history/x.jsonl', '', 'application/x-ndjson');
    await sink.put('reports/x.json', 'é', 'application/json');
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.ContentLength)).toEqual([0, 2]);
  });

  it('returns the version a versioned bucket created (recorded in the manifest), or null', async () => {
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"e"', VersionId: 'v-3' }).resolvesOnce({ ETag: '"e"' });

    expect(await sink.put('reports/2026-11-25/a.json', '{}', 'application/json')).toEqual({
      versionId: 'v-3',
    });
    expect(await sink.put('reports/2026-11-25/b.json', '{}', 'application/json')).toEqual({
      versionId: null,
    });
  });

  it('throws ReportWriteError naming s3://bucket/key when the write fails', async () => {
    s3.on(PutObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));

    const write = sink.put('reports/2026-11-25/x.json', '{}', 'application/json');

    await expect(write).rejects.toBeInstanceOf(ReportWriteError);
    await expect(write).rejects.toThrow(
      'cannot write report s3://evidence/out/reports/2026-11-25/x.json (AccessDenied: Access Denied (HTTP 403))',
    );
  });
});

describe('S3ReportSink list', () => {
  const sink = new S3ReportSink({ client, bucket: BUCKET, prefix: 'out/' });

  it('lists every page under the prefix and returns keys relative to the output root', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'out/reports/' })
      .resolvesOnce({
        Contents: [{ Key: 'out/reports/2026-11-24/a.json', Size: 3, ETag: '"x"' }],
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .resolvesOnce({ Contents: [{ Key: 'out/reports/2026-11-25/a.json', Size: 4 }], IsTruncated: false });

    const listed = await sink.list('reports/');

    expect(listed.map((o) => [o.key, o.size, o.etag])).toEqual([
      ['reports/2026-11-24/a.json', 3, 'x'],
      ['reports/2026-11-25/a.json', 4, null],
    ]);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Prefix: 'out/reports/',
      ContinuationToken: 't1',
    });
  });

  it('throws StoreUnreachableError naming the location when listing is denied', async () => {
    s3.on(ListObjectsV2Command).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
    await expect(sink.list('history/')).rejects.toThrow(
      /^cannot list s3:\/\/evidence\/out\/history\/: access denied/,
    );
  });
});

describe('S3LedgerStore', () => {
  const ledger = new S3LedgerStore({ client, bucket: BUCKET, key: 'usr/state/alert-ledger.json' });

  it('reads a missing ledger as no bytes and no version', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'missing', $metadata: { httpStatusCode: 404 } }),
    );

    expect(await ledger.read()).toEqual({ bytes: null, version: null });
  });

  it('reads the ledger with its ETag as the version', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: 'usr/state/alert-ledger.json' }).resolves({
      Body: body('{"a":1}'),
      ETag: '"v1"',
    });

    const read = await ledger.read();

    expect(read.version).toBe('"v1"');
    expect(Buffer.from(read.bytes ?? []).toString()).toBe('{"a":1}');
  });

  it('refuses a ledger larger than its limit, announced by ContentLength, without reading the body', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('{}'), ETag: '"v1"', ContentLength: MAX_LEDGER_BYTES + 1 });
    await expect(ledger.read()).rejects.toThrow(
      `cannot read the alert ledger s3://evidence/usr/state/alert-ledger.json (larger than ${MAX_LEDGER_BYTES} bytes)`,
    );
  });

  it('takes a replace whose object was deleted meanwhile (404 on If-Match) as a conflict, not a failure', async () => {
    s3.on(PutObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } }));
    expect(await ledger.write('{}', '"v1"')).toEqual({ kind: 'conflict' });
  });

  it('creates a new ledger with If-None-Match: *', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"v1"' });

    expect(await ledger.write('{}', null)).toEqual({ kind: 'ok', version: '"v1"' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'usr/state/alert-ledger.json',
      IfNoneMatch: '*',
      ContentType: 'application/json',
    });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.IfMatch).toBeUndefined();
  });

  it('replaces an existing ledger with If-Match: <ETag> and returns the new ETag', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"v2"' });

    expect(await ledger.write('{}', '"v1"')).toEqual({ kind: 'ok', version: '"v2"' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { IfMatch: '"v1"' });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.IfNoneMatch).toBeUndefined();
  });

  it('reports 412 PreconditionFailed as a conflict', async () => {
    s3.on(PutObjectCommand).rejects(serviceError('PreconditionFailed', 412));

    expect(await ledger.write('{}', '"v1"')).toEqual({ kind: 'conflict' });
  });

  it('reports 409 ConditionalRequestConflict as a conflict', async () => {
    s3.on(PutObjectCommand).rejects(serviceError('ConditionalRequestConflict', 409));

    expect(await ledger.write('{}', null)).toEqual({ kind: 'conflict' });
  });

  it('throws ReportWriteError for any other write failure', async () => {
    s3.on(PutObjectCommand).rejects(serviceError('InternalError', 500, 'We encountered an internal error.'));

    await expect(ledger.write('{}', '"v1"')).rejects.toMatchObject({
      name: 'ReportWriteError',
      message:
        'cannot write the alert ledger s3://evidence/usr/state/alert-ledger.json (InternalError: We encountered an internal error. (HTTP 500))',
    });
  });

  it('throws ReportWriteError when the ledger exists but cannot be read', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'usr/state/alert-ledger.json' }], KeyCount: 1 });

    await expect(ledger.read()).rejects.toBeInstanceOf(ReportWriteError);
  });

  it('treats a 403 on a ledger that a listing shows absent as no ledger yet (a role without bucket-wide list)', async () => {
    s3.on(GetObjectCommand).rejects(serviceError('AccessDenied', 403, 'Access Denied'));
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });

    await expect(ledger.read()).resolves.toEqual({ bytes: null, version: null });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, {
      Bucket: BUCKET,
      Prefix: 'usr/state/alert-ledger.json',
      MaxKeys: 1,
    });
  });
});
