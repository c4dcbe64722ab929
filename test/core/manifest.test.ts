import {
  MANIFEST_FILE,
  buildManifest,
  groupReportKeys,
  parseManifest,
  previousManifestDate,
  serializeManifest,
} from '../../lambdas/core/manifest';
import { formatAge, judgeGate, parseDuration } from '../../lambdas/core/gate';
import type { ObjectVersion } from '../../lambdas/core/verify-chain';
import { overwriteProblems, planVerification } from '../../lambdas/core/verify-chain';

const NOW = Date.parse('2026-11-25T06:00:00Z');
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('buildManifest and serializeManifest', () => {
  it('seals every file the run wrote, sorted by name, with a version only where the store gave one', () => {
    const manifest = buildManifest(
      NOW,
      [
        { file: 'z.csv', sha256: A, bytes: 3, versionId: null },
        { file: 'a.json', sha256: B, bytes: 5, versionId: 'v1' },
        { file: MANIFEST_FILE, sha256: A, bytes: 1, versionId: null },
      ],
      { date: '2026-11-24', sha256: A },
    );
    expect(serializeManifest(manifest)).toBe(
      `${JSON.stringify(
        {
          schemaVersion: 'usr-readiness-manifest/v1',
          date: '2026-11-25',
          asOf: '2026-11-25T06:00:00Z',
          files: { 'a.json': { sha256: B, bytes: 5, versionId: 'v1' }, 'z.csv': { sha256: A, bytes: 3 } },
          previous: { date: '2026-11-24', sha256: A },
        },
        null,
        2,
      )}\n`,
    );
  });

  it('writes the same bytes for the same inputs in any order, and reads them back', () => {
    const files = [
      { file: 'b', sha256: A, bytes: 1, versionId: null },
      { file: 'a', sha256: B, bytes: 2, versionId: null },
    ];
    const one = serializeManifest(buildManifest(NOW, files, null));
    expect(serializeManifest(buildManifest(NOW, [...files].reverse(), null))).toBe(one);
    const parsed = parseManifest(encode(one));
    expect(parsed.ok && serializeManifest(parsed.manifest)).toBe(one);
  });
});

describe('parseManifest', () => {
  const valid = serializeManifest(
    buildManifest(NOW, [{ file: 'a', sha256: A, bytes: 1, versionId: null }], null),
  );

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['a duplicate key', valid.replace('"date"', '"date": "2026-11-25",\n  "date"'), /duplicate key "date"/],
    ['an unknown field', valid.replace('"previous"', '"extra": 1,\n  "previous"'), /unknown field "extra"/],
    [
      'a digest that is not sha256',
      valid.replace(A, 'xyz'),
      /files\.a\.sha256: must be 64 lowercase hexadecimal/,
    ],
    ['a day that does not exist', valid.replace('2026-11-25"', '2026-02-30"'), /^date: /],
    ['a file name with a slash', valid.replace('"a":', '"x/a":'), /^files\.x\/a: Invalid key in record$/],
  ])('refuses %s with one line', (_name, text, message) => {
    const parsed = parseManifest(encode(text));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.message).toMatch(message);
      expect(parsed.message).not.toContain('\n');
    }
  });
});

describe('groupReportKeys and previousManifestDate', () => {
  const keys = [
    'reports/2026-11-24/x.json',
    'reports/2026-11-24/usr-readiness-manifest.json',
    'reports/2026-11-22/usr-readiness-manifest.json',
    'reports/2026-11-23/x.json',
    'reports/latest/x.json',
    'reports/2026-13-01/x.json',
    'reports/notes.txt',
    'history/date=2026-11-24/rows.jsonl',
  ];

  it('groups the day folders in date order and latest/, ignoring anything else', () => {
    const folders = groupReportKeys(keys);
    expect([...folders.days]).toEqual([
      ['2026-11-22', [MANIFEST_FILE]],
      ['2026-11-23', ['x.json']],
      ['2026-11-24', [MANIFEST_FILE, 'x.json']],
    ]);
    expect(folders.latest).toEqual(['x.json']);
    expect(groupReportKeys([]).latest).toBeNull();
  });

  it('links to the most recent earlier day that holds a manifest, never the same day', () => {
    expect(previousManifestDate(keys, '2026-11-25')).toBe('2026-11-24');
    expect(previousManifestDate(keys, '2026-11-24')).toBe('2026-11-22');
    expect(previousManifestDate(keys, '2026-11-22')).toBeNull();
  });

  it('plans the range, the day before it, and latest/ only when the range holds the newest sealed day', () => {
    const folders = groupReportKeys(keys);
    expect(planVerification(folders, { from: '2026-11-23' })).toEqual({
      days: ['2026-11-23', '2026-11-24'],
      before: '2026-11-22',
      checkLatest: true,
      newest: '2026-11-24',
    });
    expect(planVerification(folders, { to: '2026-11-23' }).checkLatest).toBe(false);
    expect(planVerification(folders, { lastDays: 1 }).days).toEqual(['2026-11-24']);
  });
});

describe('overwriteProblems', () => {
  const version = (key: string, at: string, extra: Partial<ObjectVersion> = {}): ObjectVersion => ({
    key,
    versionId: at,
    lastModified: at,
    deleteMarker: false,
    ...extra,
  });
  const day = 'reports/2026-11-24/usr-rollback-drill-report.json';
  const all = () => true;
  const GRACE = 15 * 60_000;

  it('accepts earlier versions written on the same UTC day (reruns), or within the grace after it', () => {
    expect(
      overwriteProblems(
        [
          version(day, '2026-11-24T00:00:00.000Z'),
          version(day, '2026-11-24T23:59:59.000Z'),
          version(day, '2026-11-25T00:14:59.999Z'),
        ],
        all,
        GRACE,
      ),
    ).toEqual([]);
  });

  it('reports a version written after the day and its grace, or a delete marker, as overwritten', () => {
    const late = [version(day, '2026-11-24T06:00:00.000Z'), version(day, '2026-11-25T00:15:00.000Z')];
    expect(overwriteProblems(late, all, GRACE)).toEqual([
      { folder: '2026-11-24', problem: 'overwritten', file: 'usr-rollback-drill-report.json' },
    ]);
    const deleted = [
      version(day, '2026-11-24T06:00:00.000Z'),
      version(day, '2026-11-24T07:00:00.000Z', { deleteMarker: true }),
    ];
    expect(overwriteProblems(deleted, all, GRACE)).toHaveLength(1);
  });

  it('ignores latest/ (rewritten every day by design), single versions and days outside the range', () => {
    const latest = 'reports/latest/usr-rollback-drill-report.json';
    expect(
      overwriteProblems(
        [
          version(latest, '2026-11-24T06:00:00.000Z'),
          version(latest, '2026-11-25T06:00:00.000Z'),
          version('reports/2026-11-23/a.json', '2026-11-30T06:00:00.000Z'),
          version(day, '2026-11-24T06:00:00.000Z'),
          version(day, '2026-11-30T06:00:00.000Z'),
        ],
        (date) => date !== '2026-11-24',
        GRACE,
      ),
    ).toEqual([]);
  });
});

describe('parseDuration and formatAge', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['26h', 26 * 3_600_000],
    ['2d', 2 * 86_400_000],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['0h', '26', '1.5h', '26H', '-1h', '3w', '36501d'])('refuses %s', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it('shows at most two units', () => {
    expect([
      formatAge(12_000),
      formatAge(61_000),
      formatAge(26 * 3_600_000),
      formatAge(3_600_000 + 60_000),
    ]).toEqual(['12s', '1m 1s', '1d 2h', '1h 1m']);
  });
});

describe('judgeGate', () => {
  const facts = { date: '2026-11-25', asOf: NOW, decision: 'no-go' as const, blockers: [] };

  it('names at most three blockers', () => {
    const blockers = ['a', 'b', 'c', 'd'].map((rowId) => ({ code: 'overdue', rowId }));
    const outcome = judgeGate({ ...facts, blockers }, { now: NOW, maxAgeMs: 60_000, maxAge: '1m' });
    expect(outcome.line).toContain('4 blocker(s) (overdue a, overdue b, overdue c, …)');
  });
});
