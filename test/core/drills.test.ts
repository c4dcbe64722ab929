import type { JudgedDrill } from '../../lambdas/core/drills';
import {
  drillTypeFor,
  failureReasons,
  formatKeyTimestamp,
  judgeArtifact,
  keyTimestamp,
  orderDrills,
} from '../../lambdas/core/drills';
import { MAX_DOCUMENT_BYTES } from '../../lambdas/core/json-input';
import {
  SECOND,
  at,
  encode,
  evidence,
  incidentRow,
  judged,
  ref,
  rollbackRow,
} from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');
const PIN = '3.2.0';
const row = incidentRow();
const rollback = rollbackRow();

/** The reason codes (the part before the colon) of a drill of `row`. */
const reasonCodes = (drill: Record<string, unknown>, pinned: string | null = PIN, forRow = row) =>
  failureReasons(forRow, evidence(forRow, '2026-11-20T10:05:00Z', drill), pinned ?? undefined).map(
    (r) => r.split(':')[0],
  );

describe('keyTimestamp', () => {
  it('reads the completion instant from a drill key', () => {
    expect(keyTimestamp('drills/r/20261120T100500Z-2026-11-20-sev1.json')).toBe(at('2026-11-20T10:05:00Z'));
  });

  it('round-trips with formatKeyTimestamp', () => {
    const ms = at('2026-02-28T23:59:59Z');
    expect(keyTimestamp(`drills/r/${formatKeyTimestamp(ms)}-d.json`)).toBe(ms);
  });

  it.each([
    ['no drill id', 'drills/r/20261120T100500Z.json'],
    ['another extension', 'drills/r/20261120T100500Z-d.yaml'],
    ['a date-only stamp', 'drills/r/20261120-d.json'],
    ['an ISO instant', 'drills/r/2026-11-20T10:05:00Z-d.json'],
    ['no zone marker', 'drills/r/20261120T100500-d.json'],
    ['month 13', 'drills/r/20261320T100500Z-d.json'],
    ['February 30', 'drills/r/20260230T100500Z-d.json'],
    ['hour 24', 'drills/r/20261120T240000Z-d.json'],
    ['minute 60', 'drills/r/20261120T106000Z-d.json'],
    ['second 60', 'drills/r/20261120T100060Z-d.json'],
  ])('rejects a key with %s', (_label, key) => {
    expect(keyTimestamp(key)).toBeNull();
  });
});

describe('formatKeyTimestamp', () => {
  it('writes YYYYMMDDTHHMMSSZ, dropping milliseconds', () => {
    expect(formatKeyTimestamp(at('2026-11-20T10:05:07.999Z'))).toBe('20261120T100507Z');
  });
});

describe('orderDrills', () => {
  const listed = (key: string, lastModified: string | null = null) => ({ key, lastModified });

  it('orders newest first by the instant in the key, ignoring LastModified', () => {
    const ordered = orderDrills([
      listed('drills/r/20261101T000000Z-a.json', '2026-11-30T00:00:00Z'),
      listed('drills/r/20261120T000000Z-b.json', '2026-11-01T00:00:00Z'),
    ]);
    expect(ordered.map((o) => [o.entry.key, o.orderAt, o.conforming])).toEqual([
      ['drills/r/20261120T000000Z-b.json', at('2026-11-20T00:00:00Z'), true],
      ['drills/r/20261101T000000Z-a.json', at('2026-11-01T00:00:00Z'), true],
    ]);
  });

  it('places a nonconforming key by its LastModified and marks it', () => {
    const ordered = orderDrills([
      listed('drills/r/20261101T000000Z-a.json'),
      listed('drills/r/manual-drill.json', '2026-11-10T00:00:00Z'),
      listed('drills/r/20261120T000000Z-b.json'),
    ]);
    expect(ordered.map((o) => [o.entry.key, o.conforming])).toEqual([
      ['drills/r/20261120T000000Z-b.json', true],
      ['drills/r/manual-drill.json', false],
      ['drills/r/20261101T000000Z-a.json', true],
    ]);
    expect(ordered[1]?.orderAt).toBe(at('2026-11-10T00:00:00Z'));
  });

  it('places a nonconforming key without a usable LastModified last', () => {
    const ordered = orderDrills([
      listed('drills/r/unknown.json'),
      listed('drills/r/garbled.json', 'yesterday'),
      listed('drills/r/19990101T000000Z-a.json'),
    ]);
    expect(ordered.map((o) => [o.entry.key, o.orderAt])).toEqual([
      ['drills/r/19990101T000000Z-a.json', at('1999-01-01T00:00:00Z')],
      ['drills/r/unknown.json', null],
      ['drills/r/garbled.json', null],
    ]);
  });

  it('breaks ties by key, descending', () => {
    const ordered = orderDrills([
      listed('drills/r/20261120T000000Z-a.json'),
      listed('drills/r/20261120T000000Z-c.json'),
      listed('drills/r/20261120T000000Z-b.json'),
    ]);
    expect(ordered.map((o) => o.entry.key.slice(-6))).toEqual(['c.json', 'b.json', 'a.json']);
  });
});

describe('drillTypeFor', () => {
  it('exercises incident rows with incident drills and cutover-phase rows with rollback drills', () => {
    expect(drillTypeFor(incidentRow())).toBe('incident');
    for (const phase of ['pre-cutover', 'cutover', 'post-cutover'] as const) {
      expect(drillTypeFor(rollbackRow({ phase }))).toBe('rollback');
    }
  });
});

describe('failureReasons', () => {
  it('has no reasons for a drill that meets every condition, budgets used exactly', () => {
    expect(failureReasons(row, evidence(row, '2026-11-20T10:05:00Z'), PIN)).toEqual([]);
  });

  it('fails a drill whose outcome is fail', () => {
    expect(reasonCodes({ outcome: 'fail' })).toEqual(['outcome-fail']);
  });

  it('fails a drill recorded for another row', () => {
    expect(reasonCodes({ rowId: 'other-row' })).toEqual(['row-mismatch']);
  });

  it('fails a drill of another runbook', () => {
    expect(reasonCodes({ runbookId: 'rb-other' })).toEqual(['runbook-mismatch']);
  });

  it('fails a rollback drill offered for an incident row', () => {
    expect(reasonCodes({ drillType: 'rollback' })).toEqual(['drill-type-mismatch']);
  });

  it('fails an incident drill offered for a rollback row', () => {
    expect(reasonCodes({ drillType: 'incident' }, '1.4.0', rollback)).toEqual(['drill-type-mismatch']);
  });

  it('fails a drill without a runbookVersion', () => {
    expect(reasonCodes({ runbookVersion: undefined })).toEqual(['runbook-version-missing']);
  });

  it('fails a drill without a runbookVersion even when nothing is pinned', () => {
    expect(reasonCodes({ runbookVersion: undefined }, null)).toEqual(['runbook-version-missing']);
  });

  it('fails a drill of another runbook version than the catalog pins', () => {
    expect(
      failureReasons(row, evidence(row, '2026-11-20T10:05:00Z', { runbookVersion: '3.1.9' }), PIN),
    ).toEqual(['runbook-version-drift: drill exercised 3.1.9, the policy pins 3.2.0']);
  });

  it('accepts any runbookVersion when the catalog pins none', () => {
    expect(reasonCodes({ runbookVersion: '0.0.1' }, null)).toEqual([]);
  });

  it('fails a response one minute over budget', () => {
    expect(reasonCodes({ responseMinutes: row.maxResponseMinutes + 1 })).toEqual(['response-over-budget']);
  });

  it('fails a recovery one minute over budget', () => {
    expect(reasonCodes({ recoveryMinutes: row.maxRecoveryMinutes + 1 })).toEqual(['recovery-over-budget']);
  });

  it('fails a drill that does not record its response or recovery time', () => {
    expect(reasonCodes({ responseMinutes: undefined, recoveryMinutes: undefined })).toEqual([
      'response-missing',
      'recovery-missing',
    ]);
  });

  it('fails a drill missing a required role, naming it', () => {
    expect(
      failureReasons(
        row,
        evidence(row, '2026-11-20T10:05:00Z', { rolesPresent: ['comms-lead', 'scribe'] }),
        PIN,
      ),
    ).toEqual(['roles-missing: incident-commander']);
  });

  it('counts a missing role list as empty', () => {
    expect(reasonCodes({ rolesPresent: undefined })).toEqual(['roles-missing']);
  });

  it('fails a drill missing a required artifact', () => {
    expect(reasonCodes({ artifactsProduced: ['timeline'] })).toEqual(['artifacts-missing']);
  });

  it('fails an incident drill that used none of the row channels', () => {
    expect(reasonCodes({ channelsUsed: ['#random'] })).toEqual(['channel-missing']);
    expect(reasonCodes({ channelsUsed: undefined })).toEqual(['channel-missing']);
  });

  it('accepts an incident drill that used any one of the row channels', () => {
    expect(reasonCodes({ channelsUsed: ['#random', '#status'] })).toEqual([]);
  });

  it('does not ask a rollback drill for channels', () => {
    expect(
      reasonCodes({ channelsUsed: [] }, '1.4.0', rollbackRow({ communicationChannels: ['#release'] })),
    ).toEqual([]);
  });

  it('lists every failed condition', () => {
    expect(reasonCodes({ outcome: 'fail', recoveryMinutes: 999, artifactsProduced: [] })).toEqual([
      'outcome-fail',
      'recovery-over-budget',
      'artifacts-missing',
    ]);
  });
});

describe('judgeArtifact', () => {
  const catalog = { 'rb-sev1-paging': PIN };
  const key = 'drills/incident-sev1-paging/20261120T100500Z-d.json';
  const judge = (bytes: Uint8Array, now = NOW, pins: Record<string, string> | null = catalog): JudgedDrill =>
    judgeArtifact(row, pins, { kind: 'ok', ref: ref(key), bytes }, now);

  it('judges a valid, passing drill as successful', () => {
    expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z')))).toMatchObject({
      kind: 'drill',
      success: true,
      reasons: [],
      completedAt: at('2026-11-20T10:05:00Z'),
      ref: { key },
    });
  });

  it('judges a failing drill with its reasons', () => {
    expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', { outcome: 'fail' })))).toMatchObject({
      kind: 'drill',
      success: false,
      reasons: ['outcome-fail: the drill failed'],
    });
  });

  it('checks runbookVersion against the catalog pin of the row runbook', () => {
    expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', { runbookVersion: '3.3.0' })))).toMatchObject({
      success: false,
      reasons: [expect.stringMatching(/^runbook-version-drift/)],
    });
  });

  it('does not check drift when the policy has no catalog', () => {
    expect(
      judge(encode(evidence(row, '2026-11-20T10:05:00Z', { runbookVersion: '3.3.0' })), NOW, null),
    ).toMatchObject({
      success: true,
    });
  });

  it('does not take an Object.prototype member for a pin', () => {
    const odd = incidentRow({ runbookId: 'constructor' });
    expect(judged(odd, evidence(odd, '2026-11-20T10:05:00Z'), NOW, {})).toMatchObject({
      kind: 'drill',
      success: true,
    });
  });

  it('reads an artifact completed exactly at now', () => {
    expect(judge(encode(evidence(row, '2026-11-25T06:00:00Z')))).toMatchObject({
      kind: 'drill',
      success: true,
    });
  });

  it('sets aside an artifact completed one second after now as from the future', () => {
    expect(judge(encode(evidence(row, '2026-11-25T06:00:01Z')))).toMatchObject({
      kind: 'future',
      completedAt: NOW + SECOND,
    });
  });

  it('compares instants across zone offsets', () => {
    expect(judge(encode(evidence(row, '2026-11-25T07:00:01+01:00')))).toMatchObject({ kind: 'future' });
    expect(judge(encode(evidence(row, '2026-11-25T07:00:00+01:00')))).toMatchObject({ kind: 'drill' });
  });

  it('calls an artifact that is not JSON invalid', () => {
    expect(judge(new TextEncoder().encode('{"drillId":'))).toEqual({
      kind: 'invalid',
      key,
      message: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('calls an artifact that is not UTF-8 invalid', () => {
    expect(judge(new Uint8Array([0xc0, 0x80]))).toEqual({ kind: 'invalid', key, message: 'not valid UTF-8' });
  });

  it('calls an artifact without a required field invalid, naming the field', () => {
    const drill: Record<string, unknown> = { ...evidence(row, '2026-11-20T10:05:00Z') };
    delete drill.completedAt;
    expect(judge(encode(drill))).toEqual({
      kind: 'invalid',
      key,
      message: 'completedAt: required field is missing (expected string)',
    });
  });

  it('calls an artifact whose completedAt has no zone invalid', () => {
    expect(judge(encode(evidence(row, '2026-11-20T10:05:00', { startedAt: undefined })))).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^completedAt: /),
    });
  });

  it('calls an artifact of another schema version invalid', () => {
    expect(
      judge(encode(evidence(row, '2026-11-20T10:05:00Z', { schemaVersion: 'usr-drill-evidence/v2' }))),
    ).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^schemaVersion: /),
    });
  });

  it('names at most three schema problems', () => {
    expect(judge(encode({ schemaVersion: 'x' }))).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^[^;]+; [^;]+; [^;]+$/),
    });
  });

  it('calls an artifact that is not an object invalid', () => {
    expect(judge(encode([1, 2]))).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^\$: /) });
  });

  it('calls a misfiled artifact (rowId differs from its folder) invalid', () => {
    expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', { rowId: 'other-row' })))).toEqual({
      kind: 'invalid',
      key,
      message: 'misfiled: rowId "other-row" but stored under "incident-sev1-paging"',
    });
  });

  it('calls an artifact too large to read invalid', () => {
    expect(
      judgeArtifact(row, catalog, { kind: 'too-large', key, size: MAX_DOCUMENT_BYTES + 1 }, NOW),
    ).toEqual({
      kind: 'invalid',
      key,
      message: `larger than 5 MiB (${MAX_DOCUMENT_BYTES + 1} bytes); not read`,
    });
  });

  it('calls an artifact that vanished between listing and reading unreadable', () => {
    expect(judgeArtifact(row, catalog, { kind: 'missing', key }, NOW)).toEqual({
      kind: 'unreadable',
      key,
      message: 'listed but no longer found',
    });
  });

  it('calls an artifact the store failed to read unreadable', () => {
    expect(judgeArtifact(row, catalog, { kind: 'error', key, message: 'SlowDown' }, NOW)).toEqual({
      kind: 'unreadable',
      key,
      message: 'SlowDown',
    });
  });

  describe('key and completedAt', () => {
    const misnamed = 'drills/incident-sev1-paging/20261101T000000Z-d.json';
    const judgeAt = (k: string, drill: Record<string, unknown>, now = NOW) =>
      judgeArtifact(row, catalog, { kind: 'ok', ref: ref(k), bytes: encode(drill) }, now);

    it('records nothing when the key names the completion second', () => {
      expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z')))).toMatchObject({ keyMismatchAt: null });
    });

    it('records the instant a key names when it disagrees with completedAt, and still judges the drill', () => {
      expect(judgeAt(misnamed, evidence(row, '2026-11-20T10:05:00Z', { outcome: 'fail' }))).toMatchObject({
        kind: 'drill',
        success: false,
        reasons: ['outcome-fail: the drill failed'],
        completedAt: at('2026-11-20T10:05:00Z'),
        keyMismatchAt: at('2026-11-01T00:00:00Z'),
      });
    });

    it('compares at second precision, as keys are floored to the second', () => {
      expect(judge(encode(evidence(row, '2026-11-20T10:05:00.999Z')))).toMatchObject({ keyMismatchAt: null });
      expect(judge(encode(evidence(row, '2026-11-20T10:05:01Z')))).toMatchObject({
        keyMismatchAt: at('2026-11-20T10:05:00Z'),
      });
      expect(judge(encode(evidence(row, '2026-11-20T10:04:59.999Z')))).toMatchObject({
        keyMismatchAt: at('2026-11-20T10:05:00Z'),
      });
    });

    it('compares instants, not text, across zone offsets', () => {
      expect(judge(encode(evidence(row, '2026-11-20T11:05:00+01:00')))).toMatchObject({
        keyMismatchAt: null,
      });
    });

    it('has nothing to compare for a nonconforming key', () => {
      expect(
        judgeAt('drills/incident-sev1-paging/manual.json', evidence(row, '2026-11-20T10:05:00Z')),
      ).toMatchObject({ kind: 'drill', keyMismatchAt: null });
    });

    it('records a mismatch on an artifact from the future too', () => {
      expect(judgeAt(misnamed, evidence(row, '2026-12-01T00:00:00Z'))).toMatchObject({
        kind: 'future',
        keyMismatchAt: at('2026-11-01T00:00:00Z'),
      });
    });
  });

  describe('minutes', () => {
    it.each(['responseMinutes', 'recoveryMinutes'])(
      'calls an artifact with a negative %s invalid, naming it',
      (field) => {
        expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', { [field]: -1 })))).toEqual({
          kind: 'invalid',
          key,
          message: `${field}: Too small: expected number to be >=0`,
        });
      },
    );

    it('counts zero minutes', () => {
      const drill = evidence(row, '2026-11-20T10:05:00Z', { responseMinutes: 0, recoveryMinutes: 0 });
      expect(judge(encode(drill))).toMatchObject({ kind: 'drill', success: true });
    });

    it('accepts fractional minutes and compares them exactly with the budget', () => {
      const within = {
        responseMinutes: row.maxResponseMinutes - 0.5,
        recoveryMinutes: row.maxRecoveryMinutes,
      };
      expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', within)))).toMatchObject({ success: true });
      const over = { responseMinutes: row.maxResponseMinutes + 0.01 };
      expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', over)))).toMatchObject({
        success: false,
        reasons: [`response-over-budget: responseMinutes 15.01 > maxResponseMinutes 15`],
      });
    });

    it('calls an artifact whose minutes overflow to Infinity invalid', () => {
      const text = JSON.stringify(evidence(row, '2026-11-20T10:05:00Z')).replace(
        /"recoveryMinutes":\d+/,
        '"recoveryMinutes":1e999',
      );
      expect(judge(new TextEncoder().encode(text))).toMatchObject({
        kind: 'invalid',
        message: expect.stringMatching(/^recoveryMinutes: /),
      });
    });
  });

  describe('repeated keys', () => {
    const text = (overrides: Record<string, unknown> = {}) =>
      JSON.stringify(evidence(row, '2026-11-20T10:05:00Z', overrides));
    const bytes = (t: string) => new TextEncoder().encode(t);

    it('calls an artifact with a repeated key invalid, naming the key and its path', () => {
      const failedThenPassed = text().replace('"outcome":"pass"', '"outcome":"fail","outcome":"pass"');
      expect(judge(bytes(failedThenPassed))).toEqual({
        kind: 'invalid',
        key,
        message: 'outcome: duplicate key "outcome": only its last value is read',
      });
    });

    it('finds a repeated key inside a nested object', () => {
      const remediation = { owner: 'jdoe', eta: '2026-11-27' };
      const doubled = text({ outcome: 'fail', remediation }).replace('"owner":', '"owner":"nobody","owner":');
      expect(judge(bytes(doubled))).toMatchObject({
        kind: 'invalid',
        message: 'remediation.owner: duplicate key "owner": only its last value is read',
      });
    });

    it('names at most three repeated keys and counts the others', () => {
      const doubled = text().replace('{', '{"a":1,"a":1,"b":1,"b":1,"c":1,"c":1,"d":1,"d":1,"e":1,"e":1,');
      expect(judge(bytes(doubled))).toMatchObject({
        kind: 'invalid',
        message: expect.stringMatching(/^a: [^;]+; b: [^;]+; c: [^;]+; and 2 more duplicate keys$/),
      });
    });
  });

  it('ignores evidence fields the schema does not define', () => {
    expect(judge(encode(evidence(row, '2026-11-20T10:05:00Z', { notes: 'went fine' })))).toMatchObject({
      success: true,
    });
  });
});
