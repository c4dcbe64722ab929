import type { RawDocument } from '../../lambdas/core/validate-policy';
import type { ValidatedWaivers, WaiverRules } from '../../lambdas/core/waivers';
import { activeWaivers, validateWaivers, waiverRecords, waiverState } from '../../lambdas/core/waivers';
import { WAIVERS_SCHEMA_VERSION, WaiversFileSchema } from '../../lambdas/core/schemas';
import { DAY, at, iso } from '../fixtures/core/builders';

const KEY = 'policy/waivers.json';
const RULES: WaiverRules = { maxWaiverDays: 30, rowIds: new Set(['incident-sev2', 'rollback-db']) };
const APPROVED = '2026-11-20T09:00:00Z';
const EXPIRES = '2026-12-04T00:00:00Z';

function waiver(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'W-2026-014',
    rowId: 'incident-sev2',
    codes: ['overdue'],
    reason: 'pager vendor migration; drill booked for 2026-12-03',
    approvedBy: 'jane.doe@example.com',
    approvedAt: APPROVED,
    expiresAt: EXPIRES,
    ticket: 'CHG-4711',
    ...overrides,
  };
}

const raw = (text: string): RawDocument => ({
  kind: 'ok',
  object: { bytes: new TextEncoder().encode(text) },
});
const file = (waivers: unknown[], extra: Record<string, unknown> = {}): RawDocument =>
  raw(JSON.stringify({ schemaVersion: WAIVERS_SCHEMA_VERSION, waivers, ...extra }));
const validate = (document: RawDocument, rules: WaiverRules = RULES): ValidatedWaivers =>
  validateWaivers(KEY, document, rules);

/** The state of the only entry at `now`. */
function stateAt(now: string, overrides: Record<string, unknown> = {}, rules: WaiverRules = RULES): string {
  const [entry] = validate(file([waiver(overrides)]), rules).entries;
  if (!entry) throw new Error('no entry');
  return waiverState(entry, at(now));
}

const codes = (v: ValidatedWaivers) => v.findings.map((f) => `${f.code} ${f.path ?? '-'}`);

describe('validateWaivers', () => {
  it('reads a valid waiver with no finding', () => {
    const result = validate(file([waiver()]));
    expect(result.findings).toEqual([]);
    expect(result.present).toBe(true);
    expect(result.entries).toEqual([
      {
        index: 0,
        id: 'W-2026-014',
        rowId: 'incident-sev2',
        codes: ['overdue'],
        expiresAt: EXPIRES,
        waiver: WaiversFileSchema.shape.waivers.element.parse(waiver()),
        rowKnown: true,
      },
    ]);
  });

  it('treats a missing file as no waivers, with no finding', () => {
    expect(validate({ kind: 'missing' })).toEqual({ present: false, entries: [], findings: [] });
  });

  it.each<[string, RawDocument, string]>([
    ['too large', { kind: 'too-large', size: 6_000_000 }, 'larger than 5 MiB (6000000 bytes)'],
    ['unreadable', { kind: 'error', message: 'AccessDenied' }, 'AccessDenied'],
    ['not JSON', raw('{ "waivers": '), 'not valid JSON'],
    ['not UTF-8', { kind: 'ok', object: { bytes: new Uint8Array([0xff, 0xfe]) } }, 'UTF-8'],
  ])(
    'fails closed on a file that is %s: one waiver-invalid warning with the key, no waiver',
    (_name, document, reason) => {
      const result = validate(document);
      expect(result.entries).toEqual([]);
      expect(result.findings).toEqual([
        {
          code: 'waiver-invalid',
          severity: 'warning',
          key: KEY,
          message: expect.stringContaining(reason) as string,
        },
      ]);
      expect(result.findings[0]?.message).toMatch(
        /^policy\/waivers\.json: .*; no waiver in the file applies$/,
      );
    },
  );

  it('invalidates every waiver of a file with the wrong schemaVersion, naming the path', () => {
    const result = validate(file([waiver()], { schemaVersion: 'usr-readiness-waivers/v2' }));
    expect(codes(result)).toEqual(['waiver-invalid schemaVersion']);
    expect(result.entries.map((e) => e.waiver)).toEqual([null]);
    expect(result.entries[0]?.id).toBe('W-2026-014');
  });

  it('invalidates the file on an unknown top-level field, and on a waivers field that is not a list', () => {
    expect(codes(validate(file([waiver()], { note: 'x' })))).toEqual(['waiver-invalid note']);
    expect(validate(file([waiver()], { note: 'x' })).entries[0]?.waiver).toBeNull();
    expect(codes(validate(raw(`{"schemaVersion":"${WAIVERS_SCHEMA_VERSION}","waivers":{}}`)))).toEqual([
      'waiver-invalid waivers',
    ]);
  });

  it('fails closed on a repeated key: inside a waiver that waiver, at the top the whole file', () => {
    const second = JSON.stringify(waiver({ id: 'W-2' }));
    const repeated = second.replace('"codes":["overdue"]', '"codes":["overdue"],"codes":["due-soon"]');
    const inEntry = validate(
      raw(
        `{"schemaVersion":"${WAIVERS_SCHEMA_VERSION}","waivers":[${JSON.stringify(waiver())},${repeated}]}`,
      ),
    );
    expect(codes(inEntry)).toEqual(['waiver-invalid waivers[1].codes']);
    expect(inEntry.entries.map((e) => e.waiver === null)).toEqual([false, true]);
    const atTop = validate(
      raw(
        `{"schemaVersion":"${WAIVERS_SCHEMA_VERSION}","waivers":[],"waivers":[${JSON.stringify(waiver())}]}`,
      ),
    );
    expect(codes(atTop)).toEqual(['waiver-invalid waivers']);
    expect(atTop.entries.map((e) => e.waiver)).toEqual([null]);
  });

  it.each([
    ['an empty reason', { reason: '' }, 'waivers[0].reason'],
    ['a blank approver', { approvedBy: '  \t' }, 'waivers[0].approvedBy'],
    ['no codes', { codes: [] }, 'waivers[0].codes'],
    [
      'a code that is never waivable (unreadable evidence)',
      { codes: ['overdue', 'evidence-unreadable'] },
      'waivers[0].codes[1]',
    ],
    ['a policy error code', { codes: ['schema'] }, 'waivers[0].codes[0]'],
    ['a missing approvedAt', { approvedAt: undefined }, 'waivers[0].approvedAt'],
    ['an instant without a zone', { expiresAt: '2026-12-04T00:00:00' }, 'waivers[0].expiresAt'],
    ['an unknown field', { approver: 'someone' }, 'waivers[0].approver'],
    ['an empty id', { id: '' }, 'waivers[0].id'],
    ['an id with a line break', { id: 'W-1\nW-2' }, 'waivers[0].id'],
    ['an expiry before the approval', { expiresAt: '2026-11-20T08:59:59Z' }, 'waivers[0].expiresAt'],
    ['an expiry equal to the approval', { expiresAt: APPROVED }, 'waivers[0].expiresAt'],
  ])('makes a waiver with %s invalid: a waiver-invalid warning at its path', (_name, overrides, path) => {
    const result = validate(file([waiver(overrides)]));
    expect(result.entries[0]?.waiver).toBeNull();
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'waiver-invalid', severity: 'warning', key: KEY, path }),
    ]);
    expect(result.findings[0]?.message).toMatch(
      new RegExp(`^policy/waivers\\.json ${path.replace(/[[\]]/g, '\\$&')}: `),
    );
    expect(result.findings[0]?.message).not.toMatch(/\n/);
  });

  it('names the waiver and says it waives nothing', () => {
    const [finding] = validate(file([waiver({ codes: ['evidence-unreadable'] })])).findings;
    expect(finding?.message).toBe(
      'policy/waivers.json waivers[0].codes[0]: "evidence-unreadable" is not waivable (waivable: never-drilled, overdue, cutover-uncovered, due-soon, remediation-missing, remediation-overdue); waiver "W-2026-014" waives nothing',
    );
  });

  it('allows a waiver of exactly maxWaiverDays and refuses one a millisecond longer', () => {
    const thirty = { approvedAt: APPROVED, expiresAt: iso(at(APPROVED) + 30 * DAY) };
    expect(validate(file([waiver(thirty)])).findings).toEqual([]);
    const longer = { approvedAt: APPROVED, expiresAt: iso(at(APPROVED) + 30 * DAY + 1) };
    const result = validate(file([waiver(longer)]));
    expect(result.entries[0]?.waiver).toBeNull();
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'waiver-invalid',
        path: 'waivers[0].expiresAt',
        message: expect.stringContaining('more than the maximum of 30 days') as string,
      }),
    ]);
  });

  it('applies the maximum it is given', () => {
    const rules = { ...RULES, maxWaiverDays: 7 };
    expect(validate(file([waiver()]), rules).entries[0]?.waiver).toBeNull();
    expect(validate(file([waiver({ expiresAt: iso(at(APPROVED) + 7 * DAY) })]), rules).findings).toEqual([]);
  });

  it('makes every waiver sharing an id invalid, and leaves the others valid', () => {
    const result = validate(
      file([
        waiver(),
        waiver({ id: 'W-other' }),
        waiver({ rowId: 'rollback-db', codes: ['cutover-uncovered'] }),
      ]),
    );
    expect(result.entries.map((e) => e.waiver === null)).toEqual([true, false, true]);
    expect(codes(result)).toEqual(['waiver-invalid waivers[0].id', 'waiver-invalid waivers[2].id']);
    expect(result.findings[0]?.message).toContain('id "W-2026-014" is not unique (waivers[0], waivers[2])');
  });

  it('warns waiver-unknown-row for a valid waiver whose row is not in the policy, and keeps it from waiving', () => {
    const result = validate(file([waiver({ rowId: 'incident-gone' })]));
    expect(result.findings).toEqual([
      {
        code: 'waiver-unknown-row',
        severity: 'warning',
        key: KEY,
        path: 'waivers[0].rowId',
        message:
          'policy/waivers.json waivers[0].rowId: waiver "W-2026-014" names row "incident-gone", which is not a row of the policy; it waives nothing',
      },
    ]);
    expect(stateAt('2026-11-25T06:00:00Z', { rowId: 'incident-gone' })).toBe('invalid');
    expect(stateAt('2026-12-05T00:00:00Z', { rowId: 'incident-gone' })).toBe('expired');
  });

  it('keeps every message on one line whatever the file holds', () => {
    const result = validate(
      file([
        waiver({ 'note\u2028x': 1, codes: ['over\ndue'], rowId: 'a\u2029b' }),
        waiver({ id: 'W-2', rowId: 'row\u2028gone' }),
      ]),
    );
    expect(result.findings.length).toBeGreaterThanOrEqual(3);
    for (const finding of result.findings) expect(finding.message).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it('gives the findings no row id: they belong to the waivers document', () => {
    const result = validate(file([waiver({ reason: '' }), waiver({ id: 'W-2', rowId: 'gone' })]));
    expect(result.findings).toHaveLength(2);
    for (const finding of result.findings) expect(finding.rowId).toBeUndefined();
  });
});

describe('waiverState', () => {
  it('is active from approvedAt itself (approvedAt == now)', () => {
    expect(stateAt(APPROVED)).toBe('active');
  });

  it('is pending a millisecond before approvedAt', () => {
    expect(stateAt(iso(at(APPROVED) - 1))).toBe('pending');
  });

  it('is active a millisecond before expiresAt', () => {
    expect(stateAt(iso(at(EXPIRES) - 1))).toBe('active');
  });

  it('is expired at expiresAt itself (expiresAt == now)', () => {
    expect(stateAt(EXPIRES)).toBe('expired');
  });

  it('is invalid for an invalid waiver at any time', () => {
    expect(stateAt('2026-11-25T06:00:00Z', { codes: ['schema'] })).toBe('invalid');
    expect(stateAt('2027-01-01T00:00:00Z', { codes: ['schema'] })).toBe('invalid');
  });

  it('compares instants across time zones', () => {
    expect(stateAt('2026-12-04T00:59:59+01:00', { expiresAt: '2026-12-04T00:00:00Z' })).toBe('active');
    expect(stateAt('2026-12-04T01:00:00+01:00', { expiresAt: '2026-12-04T00:00:00Z' })).toBe('expired');
  });
});

describe('activeWaivers and waiverRecords', () => {
  const now = at('2026-11-25T06:00:00Z');
  const waivers = validate(
    file([
      waiver({ id: 'W-3', rowId: 'rollback-db', codes: ['cutover-uncovered'] }),
      waiver({ id: 'W-1', approvedAt: '2026-10-01T00:00:00Z', expiresAt: '2026-10-20T00:00:00Z' }),
      waiver({ id: 'W-2', approvedAt: '2026-11-26T00:00:00Z', expiresAt: '2026-12-20T00:00:00Z' }),
      { rowId: 'rollback-db' },
    ]),
  );

  it('lists only the active waivers', () => {
    expect(activeWaivers(waivers, now).map((w) => w.id)).toEqual(['W-3']);
  });

  it('lists every entry with its state, sorted by id (entries without one first)', () => {
    expect(waiverRecords(waivers, now)).toEqual([
      { id: null, rowId: 'rollback-db', codes: [], state: 'invalid', expiresAt: null },
      {
        id: 'W-1',
        rowId: 'incident-sev2',
        codes: ['overdue'],
        state: 'expired',
        expiresAt: '2026-10-20T00:00:00Z',
      },
      {
        id: 'W-2',
        rowId: 'incident-sev2',
        codes: ['overdue'],
        state: 'pending',
        expiresAt: '2026-12-20T00:00:00Z',
      },
      { id: 'W-3', rowId: 'rollback-db', codes: ['cutover-uncovered'], state: 'active', expiresAt: EXPIRES },
    ]);
  });
});
