/** `verify` and `gate` over a directory output root: the tampering cases, reading each object once. */
import { FsReportSink } from '../../lambdas/adapters/fs-store';
import type { ObjectMeta, ReadResult, ReportSink } from '../../lambdas/ports';
import { verifyReports } from '../../lambdas/verify';
import { directoryTamperer, writeDays } from '../fixtures/core/chain';
import type { ChainStore } from '../fixtures/core/tamper-cases';
import { defineGateCases, defineRunCases, defineVerifyCases } from '../fixtures/core/tamper-cases';
import { removeTempDirs, tempDir } from '../fixtures/core/temp-store';

afterAll(removeTempDirs);

async function directoryStore(): Promise<ChainStore> {
  const root = await tempDir('chain');
  return { reports: new FsReportSink(root), tamper: directoryTamperer(root) };
}

/** A sink that counts reads per key and listings. */
class CountingSink implements ReportSink {
  readonly location: string;
  readonly reads = new Map<string, number>();
  listings = 0;
  constructor(private readonly inner: ReportSink) {
    this.location = inner.location;
  }
  put(key: string, body: string, contentType: Parameters<ReportSink['put']>[2]) {
    return this.inner.put(key, body, contentType);
  }
  read(key: string, maxBytes: number): Promise<ReadResult> {
    this.reads.set(key, (this.reads.get(key) ?? 0) + 1);
    return this.inner.read(key, maxBytes);
  }
  list(prefix: string): Promise<readonly ObjectMeta[]> {
    this.listings++;
    return this.inner.list(prefix);
  }
}

describe('verifyReports on a directory', () => {
  defineVerifyCases(directoryStore);
  defineRunCases(directoryStore);

  it('lists once and reads every object once, the link into a range included', async () => {
    const { reports } = await directoryStore();
    await writeDays(reports, ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25']);
    const counting = new CountingSink(reports);
    const outcome = await verifyReports(counting, { concurrency: 3, from: '2026-11-23' });
    expect(outcome.problems).toEqual([]);
    expect(counting.listings).toBe(1);
    expect([...counting.reads.values()].every((n) => n === 1)).toBe(true);
    // Three days and latest/ (four objects each), plus the manifest of the day before the range.
    expect(counting.reads.size).toBe(4 * 4 + 1);
    expect(counting.reads.has('reports/2026-11-22/usr-readiness-manifest.json')).toBe(true);
  });
});

describe('runGate on a directory', () => {
  defineGateCases(directoryStore);
});
