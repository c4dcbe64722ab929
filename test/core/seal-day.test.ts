import { MANIFEST_FILE, parseManifest } from '../../lambdas/core/manifest';
import { VALIDATION_FILE } from '../../lambdas/core/reports';
import type { ObjectMeta, PutResult, ReadResult, ReportSink } from '../../lambdas/ports';
import { latestAsOf, writeOutputs } from '../../lambdas/write-reports';
import { reportFiles, runAt, writeDay } from '../fixtures/core/chain';
import { MemoryReportSink } from '../fixtures/core/memory-store';
import { sha256 } from '../../lambdas/run-helpers';

/** A sink that answers each write with a version id, like a versioned bucket. */
class VersionedSink implements ReportSink {
  readonly location = 'memory://versioned';
  readonly inner = new MemoryReportSink();
  readonly files = this.inner.files;
  private n = 0;
  put(key: string, body: string): Promise<PutResult> {
    this.files.set(key, body);
    return Promise.resolve({ versionId: `v${++this.n}` });
  }
  read(key: string, maxBytes: number): Promise<ReadResult> {
    return this.inner.read(key, maxBytes);
  }
  list(prefix: string): Promise<readonly ObjectMeta[]> {
    return this.inner.list(prefix);
  }
}

const manifestAt = (sink: { files: Map<string, string> }, folder: string) => {
  const parsed = parseManifest(
    new TextEncoder().encode(sink.files.get(`reports/${folder}/${MANIFEST_FILE}`) ?? ''),
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.manifest;
};

describe('writeOutputs sealing', () => {
  it('seals whatever files the run writes, with their digests, sizes and versions', async () => {
    const sink = new VersionedSink();
    const now = runAt('2026-11-25');
    const files = [
      ...reportFiles(now),
      { file: 'usr-readiness-rows.csv', body: 'rowId\n', contentType: 'text/csv; charset=utf-8' as const },
    ];
    await writeOutputs(sink, now, await latestAsOf(sink), files);

    const manifest = manifestAt(sink, '2026-11-25');
    expect(Object.keys(manifest.files)).toEqual(files.map((f) => f.file).sort());
    expect(manifest.files['usr-readiness-rows.csv']).toEqual({
      sha256: sha256(new TextEncoder().encode('rowId\n')),
      bytes: 6,
      versionId: 'v4',
    });
    expect(manifest.files[VALIDATION_FILE]?.versionId).toBe('v1');
    expect(manifest).toMatchObject({ date: '2026-11-25', asOf: '2026-11-25T06:00:00Z', previous: null });
  });

  it("writes latest/'s manifest as a byte copy of the day's, after the files it seals", async () => {
    const sink = new VersionedSink();
    await writeDay(sink, '2026-11-25');
    expect(sink.files.get(`reports/latest/${MANIFEST_FILE}`)).toBe(
      sink.files.get(`reports/2026-11-25/${MANIFEST_FILE}`),
    );
    expect([...sink.files.keys()].at(-1)).toBe(`reports/latest/${MANIFEST_FILE}`);
  });

  it("links to the sha256 of the most recent earlier day's manifest bytes, skipping days without one", async () => {
    const sink = new MemoryReportSink();
    await writeDay(sink, '2026-11-22');
    sink.files.set('reports/2026-11-23/usr-operational-readiness-validation.json', '{}');
    await writeDay(sink, '2026-11-24');
    expect(manifestAt(sink, '2026-11-24').previous).toEqual({
      date: '2026-11-22',
      sha256: sha256(new TextEncoder().encode(sink.files.get(`reports/2026-11-22/${MANIFEST_FILE}`) ?? '')),
    });
  });

  it('leaves the link out when the earlier manifest is there but cannot be read as a file', async () => {
    const sink = new (class extends MemoryReportSink {
      override read(key: string, maxBytes: number): Promise<ReadResult> {
        if (key.startsWith('reports/2026-11-24/'))
          return Promise.resolve({ kind: 'too-large', key, size: maxBytes + 1 });
        return super.read(key, maxBytes);
      }
    })();
    await writeDay(sink, '2026-11-24');
    await writeDay(sink, '2026-11-25');
    expect(manifestAt(sink, '2026-11-25').previous).toBeNull();
  });
});
