/**
 * The audit outputs of real runs over a directory store: the history of three consecutive days, the changes each
 * day reports, a same-day rerun that writes the same bytes, a backfill, and what reading the history costs.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsEvidenceStore, FsReportSink } from '../../lambdas/adapters/fs-store';
import { readAuditHistory } from '../../lambdas/audit-outputs';
import { CSV_REPORT_FILE, HTML_REPORT_FILE } from '../../lambdas/constants';
import { DEFAULT_PARAMETERS } from '../../lambdas/core/cadence';
import { REPORT_FILES } from '../../lambdas/core/reports';
import type { ValidationReport } from '../../lambdas/core/schemas';
import { HistoryRecordSchema, POLICY_SCHEMA_VERSION } from '../../lambdas/core/schemas';
import type { MonitorOptions } from '../../lambdas/monitor';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../../lambdas/monitor';
import type { ObjectMeta, ReadResult, ReportSink } from '../../lambdas/ports';
import { CATALOG, drillKey, evidence, incidentRow, rollbackRow } from '../fixtures/core/builders';
import { MemoryReportSink } from '../fixtures/core/memory-store';
import { removeTempDirs, tempDir, writeStore } from '../fixtures/core/temp-store';

const OPTIONS: MonitorOptions = {
  policyKey: DEFAULT_POLICY_KEY,
  scheduleKey: DEFAULT_SCHEDULE_KEY,
  parameters: DEFAULT_PARAMETERS,
  concurrency: 2,
};
const incident = incidentRow();
const rollback = rollbackRow();
const drill = (row: typeof incident, completedAt: string) => ({
  [drillKey(row.id, completedAt, `${completedAt.slice(0, 10)}-${row.id}`)]: evidence(row, completedAt),
});

/** The incident row's last success is due 2026-11-24T10:00Z: due-soon on the 24th, overdue on the 25th. */
const STORE = {
  [DEFAULT_POLICY_KEY]: {
    schemaVersion: POLICY_SCHEMA_VERSION,
    runbooks: CATALOG,
    rows: [incident, rollback],
  },
  [DEFAULT_SCHEDULE_KEY]: [],
  ...drill(incident, '2026-10-25T10:00:00Z'),
  ...drill(rollback, '2026-11-20T01:00:00Z'),
};
/** The rerun of the overdue drill, uploaded after the run of the 25th. */
const RERUN = drill(incident, '2026-11-25T12:00:00Z');

interface Run {
  readonly validation: ValidationReport;
}

afterAll(removeTempDirs);

async function setup() {
  const root = await writeStore(STORE);
  const out = await tempDir('out');
  const run = async (now: string, clock = now): Promise<Run> => {
    const result = await runMonitor(
      {
        store: new FsEvidenceStore(root),
        reports: new FsReportSink(out),
        alerts: null,
        now: new Date(now),
        clock: () => new Date(Date.parse(clock) + 2500),
      },
      OPTIONS,
    );
    return { validation: result.reports.validation };
  };
  const read = (...parts: string[]): Promise<string> => fs.readFile(path.join(out, ...parts), 'utf8');
  const upload = async (files: Record<string, unknown>): Promise<void> => {
    for (const [key, value] of Object.entries(files))
      await fs.writeFile(path.join(root, ...key.split('/')), JSON.stringify(value));
  };
  return { run, read, upload };
}

const history = async (read: (...parts: string[]) => Promise<string>, date: string) =>
  (await read('history', `date=${date}`, 'rows.jsonl'))
    .trimEnd()
    .split('\n')
    .map((line) => HistoryRecordSchema.parse(JSON.parse(line)));

describe('audit outputs over three consecutive days', () => {
  it('write one history file per day and report the changes against the day before', async () => {
    const { run, read, upload } = await setup();
    const first = await run('2026-11-24T06:00:00Z');
    const second = await run('2026-11-25T06:00:00Z');
    await upload(RERUN);
    const third = await run('2026-11-26T06:00:00Z');

    expect(first.validation.changes).toEqual({ since: null, decision: { from: null, to: 'go' }, rows: [] });
    expect(second.validation.changes).toEqual({
      since: '2026-11-24',
      decision: { from: 'go', to: 'no-go' },
      rows: [{ rowId: 'incident-sev1-paging', from: 'due-soon', to: 'overdue' }],
    });
    expect(third.validation.changes).toEqual({
      since: '2026-11-25',
      decision: { from: 'no-go', to: 'go' },
      rows: [{ rowId: 'incident-sev1-paging', from: 'overdue', to: 'compliant' }],
    });
    const days = await Promise.all(
      ['2026-11-24', '2026-11-25', '2026-11-26'].map(async (date) => history(read, date)),
    );
    expect(days.map((records) => records.map((r) => [r.date, r.rowId, r.status, r.decision]))).toEqual([
      [
        ['2026-11-24', 'cutover-rollback-db', 'compliant', 'go'],
        ['2026-11-24', 'incident-sev1-paging', 'due-soon', 'go'],
      ],
      [
        ['2026-11-25', 'cutover-rollback-db', 'compliant', 'no-go'],
        ['2026-11-25', 'incident-sev1-paging', 'overdue', 'no-go'],
      ],
      [
        ['2026-11-26', 'cutover-rollback-db', 'compliant', 'go'],
        ['2026-11-26', 'incident-sev1-paging', 'compliant', 'go'],
      ],
    ]);
    const consumed = await read('history', 'consumed-evidence', 'date=2026-11-26', 'consumed-evidence.jsonl');
    expect(
      consumed
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { key: string }).key),
    ).toEqual([Object.keys(drill(rollback, '2026-11-20T01:00:00Z'))[0], Object.keys(RERUN)[0]]);
  });

  it('draw the three days in the HTML strip and list the changes, for the day and as latest', async () => {
    const { run, read, upload } = await setup();
    await run('2026-11-24T06:00:00Z');
    await run('2026-11-25T06:00:00Z');
    await upload(RERUN);
    await run('2026-11-26T06:00:00Z');
    const html = await read('reports', 'latest', HTML_REPORT_FILE);
    expect(html).toContain('<th scope="row">incident-sev1-paging</th>');
    expect(html).toContain('aria-label="last 90 days: 87 no record, 1 compliant, 1 due-soon, 1 overdue"');
    expect(html).toContain(
      '<i class="k0 w87"></i><i class="k2 w1"></i><i class="k3 w1"></i><i class="k1 w1"></i>',
    );
    expect(html).toContain('<li><strong>incident-sev1-paging</strong>: overdue → compliant</li>');
    expect(await read('reports', '2026-11-26', CSV_REPORT_FILE)).toBe(
      await read('reports', 'latest', CSV_REPORT_FILE),
    );
  });

  it('rerun on the same day writes byte-identical history and reports apart from generatedAt', async () => {
    const { run, read, upload } = await setup();
    await run('2026-11-24T06:00:00Z');
    await run('2026-11-25T06:00:00Z');
    await upload(RERUN);
    const files = [...REPORT_FILES, HTML_REPORT_FILE, CSV_REPORT_FILE];
    const snapshot = async () => ({
      history: await read('history', 'date=2026-11-26', 'rows.jsonl'),
      consumed: await read('history', 'consumed-evidence', 'date=2026-11-26', 'consumed-evidence.jsonl'),
      reports: await Promise.all(
        ['2026-11-26', 'latest'].flatMap((folder) =>
          files.map(async (file) =>
            (await read('reports', folder, file)).replace(/"generatedAt": "[^"]*"/, ''),
          ),
        ),
      ),
    });
    const first = await run('2026-11-26T06:00:00Z');
    const before = await snapshot();
    const again = await run('2026-11-26T06:00:00Z', '2026-11-26T09:45:00Z');
    expect(again.validation.generatedAt).not.toBe(first.validation.generatedAt);
    expect(await snapshot()).toEqual(before);
    // Compared with the 25th both times, never with the first run of the 26th.
    expect(again.validation.changes.since).toBe('2026-11-25');
  });

  it('replaces the day’s history when a rerun of the same day sees other evidence', async () => {
    const { run, read, upload } = await setup();
    await run('2026-11-25T06:00:00Z');
    await run('2026-11-26T06:00:00Z');
    expect((await history(read, '2026-11-26'))[1]).toMatchObject({ rowId: incident.id, status: 'overdue' });
    await upload(RERUN);
    const rerun = await run('2026-11-26T18:00:00Z');
    expect((await history(read, '2026-11-26')).map((r) => [r.asOf, r.status])).toEqual([
      ['2026-11-26T18:00:00Z', 'compliant'],
      ['2026-11-26T18:00:00Z', 'compliant'],
    ]);
    expect(rerun.validation.changes.since).toBe('2026-11-25');
  });

  it('a backfill writes its own day and compares with the most recent day before it', async () => {
    const { run, read } = await setup();
    await run('2026-11-22T06:00:00Z');
    await run('2026-11-26T06:00:00Z');
    const backfill = await run('2026-11-24T06:00:00Z');
    expect(backfill.validation.changes.since).toBe('2026-11-22');
    expect((await history(read, '2026-11-24'))[1]).toMatchObject({ date: '2026-11-24', status: 'due-soon' });
    // latest/ stays with the later day.
    expect(await read('reports', 'latest', HTML_REPORT_FILE)).toContain(
      'USR operational readiness, 2026-11-26',
    );
  });
});

/** A report sink that counts the history objects listed and read. */
class CountingSink implements ReportSink {
  readonly location = 'memory://counting';
  readonly lists: string[] = [];
  readonly reads: string[] = [];
  constructor(readonly inner: MemoryReportSink) {}
  put(key: string, body: string): Promise<void> {
    return this.inner.put(key, body);
  }
  read(key: string, maxBytes: number): Promise<ReadResult> {
    this.reads.push(key);
    return this.inner.read(key, maxBytes);
  }
  list(prefix: string): Promise<readonly ObjectMeta[]> {
    this.lists.push(prefix);
    return this.inner.list(prefix);
  }
}

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-11-25T06:00:00Z');
const dateBefore = (days: number): string => new Date(NOW - days * DAY_MS).toISOString().slice(0, 10);
const lineOf = (rowId: string, status: string, decision = 'go'): string =>
  `${JSON.stringify({ rowId, status, decision })}\n`;

describe('readAuditHistory', () => {
  it('lists the history once and reads at most one object per earlier day of the strip', async () => {
    const inner = new MemoryReportSink();
    for (let i = 1; i <= 400; i++)
      await inner.put(`history/date=${dateBefore(i)}/rows.jsonl`, lineOf('a', 'compliant'));
    await inner.put('history/date=2026-11-25/rows.jsonl', lineOf('a', 'overdue'));
    const sink = new CountingSink(inner);
    const result = await readAuditHistory(
      sink,
      NOW,
      [{ rowId: 'a', status: 'due-soon', phase: 'incident', blocking: true, dueAt: null, findings: [] }],
      'go',
    );
    expect(sink.lists).toEqual(['history/date=']);
    expect(sink.reads).toHaveLength(89);
    expect(new Set(sink.reads).size).toBe(89);
    expect(sink.reads).not.toContain('history/date=2026-11-25/rows.jsonl');
    expect(result.objectsRead).toBe(89);
    expect(result.changes).toEqual({
      since: dateBefore(1),
      decision: { from: 'go', to: 'go' },
      rows: [{ rowId: 'a', from: 'compliant', to: 'due-soon' }],
    });
    expect([...(result.strips.byRow.get('a') ?? [])]).toEqual([...new Array<number>(89).fill(1), 2]);
  });

  it('compares with the most recent usable day when the day before is unreadable or empty', async () => {
    const inner = new MemoryReportSink();
    await inner.put(`history/date=${dateBefore(3)}/rows.jsonl`, lineOf('a', 'overdue', 'no-go'));
    await inner.put(`history/date=${dateBefore(2)}/rows.jsonl`, 'not json\n');
    await inner.put(`history/date=${dateBefore(1)}/rows.jsonl`, '');
    const result = await readAuditHistory(
      inner,
      NOW,
      [{ rowId: 'a', status: 'compliant', phase: 'incident', blocking: true, dueAt: null, findings: [] }],
      'go',
    );
    expect(result.changes).toEqual({
      since: dateBefore(3),
      decision: { from: 'no-go', to: 'go' },
      rows: [{ rowId: 'a', from: 'overdue', to: 'compliant' }],
    });
  });

  it('reads one day older than the strip when the strip’s days hold no history', async () => {
    const inner = new MemoryReportSink();
    await inner.put(`history/date=${dateBefore(200)}/rows.jsonl`, lineOf('a', 'overdue', 'no-go'));
    await inner.put(`history/date=${dateBefore(120)}/rows.jsonl`, lineOf('a', 'due-soon', 'go'));
    const sink = new CountingSink(inner);
    const result = await readAuditHistory(
      sink,
      NOW,
      [{ rowId: 'a', status: 'compliant', phase: 'incident', blocking: true, dueAt: null, findings: [] }],
      'go',
    );
    expect(sink.reads).toEqual([`history/date=${dateBefore(120)}/rows.jsonl`]);
    expect(result.changes.since).toBe(dateBefore(120));
    expect(result.objectsRead).toBe(1);
  });
});
