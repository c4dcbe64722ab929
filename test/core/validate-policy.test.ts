import { MAX_DOCUMENT_BYTES } from '../../lambdas/core/json-input';
import type { Finding } from '../../lambdas/core/schemas';
import { validatePolicy, validatePolicyValue } from '../../lambdas/core/validate-policy';
import { CATALOG, encode, incidentRow, policyDocument, rollbackRow } from '../fixtures/core/builders';

const KEY = 'policy/usr-operational-readiness-policy.json';

const ok = (bytes: Uint8Array) => ({ kind: 'ok' as const, object: { bytes } });
const codes = (findings: readonly Finding[]) => findings.map((f) => f.code);
const only = (findings: readonly Finding[], code: string) => findings.filter((f) => f.code === code);

/** A policy whose rows are the valid incident and rollback rows, with `row` changed as given and added third. */
function withThirdRow(row: Record<string, unknown>): Record<string, unknown> {
  return policyDocument({ rows: [incidentRow(), rollbackRow(), row] });
}

describe('validatePolicy', () => {
  it('accepts a valid policy without findings', () => {
    const result = validatePolicy(KEY, ok(encode(policyDocument())));
    expect(result.findings).toEqual([]);
    expect(result.rows.map((r) => r.id)).toEqual(['incident-sev1-paging', 'cutover-rollback-db']);
    expect(result.catalog).toEqual({ 'rb-sev1-paging': '3.2.0', 'rb-rollback-db': '1.4.0' });
    expect(result.policyVersion).toBe('2026.11.0');
    expect(result.rowCount).toBe(2);
  });

  it('reports a missing policy as policy-unreadable', () => {
    expect(validatePolicy(KEY, { kind: 'missing' })).toEqual({
      rows: [],
      catalog: null,
      policyVersion: null,
      rowCount: 0,
      findings: [{ code: 'policy-unreadable', severity: 'error', message: `${KEY}: not found` }],
    });
  });

  it('reports a policy the store refused as too large as policy-unreadable', () => {
    const result = validatePolicy(KEY, { kind: 'too-large', size: MAX_DOCUMENT_BYTES + 1 });
    expect(result.findings).toEqual([
      {
        code: 'policy-unreadable',
        severity: 'error',
        message: `${KEY}: larger than 5 MiB (${MAX_DOCUMENT_BYTES + 1} bytes)`,
      },
    ]);
  });

  it('reports policy bytes larger than 5 MiB as policy-unreadable', () => {
    const bytes = new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(0x20);
    expect(validatePolicy(KEY, ok(bytes)).findings).toEqual([
      expect.objectContaining({
        code: 'policy-unreadable',
        message: expect.stringContaining('larger than 5 MiB'),
      }),
    ]);
  });

  it('reports a policy that is not UTF-8 as policy-unreadable', () => {
    expect(validatePolicy(KEY, ok(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]))).findings).toEqual([
      { code: 'policy-unreadable', severity: 'error', message: `${KEY}: not valid UTF-8` },
    ]);
  });

  it('reports a policy that is not JSON as policy-unreadable', () => {
    const result = validatePolicy(KEY, ok(new TextEncoder().encode('rows: []')));
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'policy-unreadable',
        severity: 'error',
        message: expect.stringMatching(/not valid JSON/),
      }),
    ]);
    expect(result.rows).toEqual([]);
  });

  describe('duplicate-key', () => {
    const text = (value: unknown) => JSON.stringify(value);
    const bytes = (t: string) => new TextEncoder().encode(t);
    /** The default policy with the last row's `"blocking":true` followed by `"blocking":false`. */
    const repeatedBlocking = (repeat = '"blocking":false') =>
      text(policyDocument()).replace(/"blocking":true}]/, `"blocking":true,${repeat}}]`);

    it('reports a key repeated inside a row as an error with its JSON path and row id', () => {
      // The last value makes the row non-blocking: the policy also lacks a blocking cutover row.
      const { findings } = validatePolicy(KEY, ok(bytes(repeatedBlocking())));
      expect(codes(findings)).toEqual(['coverage-missing', 'duplicate-key']);
      expect(only(findings, 'duplicate-key')).toEqual([
        {
          code: 'duplicate-key',
          severity: 'error',
          rowId: 'cutover-rollback-db',
          path: 'rows[1].blocking',
          message: `${KEY} rows[1].blocking: duplicate key "blocking": only its last value is read`,
        },
      ]);
    });

    it('still evaluates the row as JSON.parse reads it, with the last value', () => {
      const result = validatePolicy(KEY, ok(bytes(repeatedBlocking())));
      expect(result.rows.map((r) => [r.id, r.blocking])).toEqual([
        ['incident-sev1-paging', true],
        ['cutover-rollback-db', false],
      ]);
    });

    it('compares keys after unescaping them', () => {
      expect(
        only(
          validatePolicy(KEY, ok(bytes(repeatedBlocking('"\\u0062locking":true')))).findings,
          'duplicate-key',
        ),
      ).toEqual([expect.objectContaining({ path: 'rows[1].blocking', rowId: 'cutover-rollback-db' })]);
    });

    it('reports a repeated top-level key without a row id', () => {
      const doubled = text(policyDocument()).replace('{', '{"policyVersion":"2026.10.0",');
      expect(validatePolicy(KEY, ok(bytes(doubled))).findings).toEqual([
        {
          code: 'duplicate-key',
          severity: 'error',
          path: 'policyVersion',
          message: `${KEY} policyVersion: duplicate key "policyVersion": only its last value is read`,
        },
      ]);
    });

    it('reports a repeated catalog entry by its path in the catalog', () => {
      const doubled = text(policyDocument()).replace(
        '"runbooks":{',
        '"runbooks":{"rb-sev1-paging":{"version":"1"},',
      );
      expect(only(validatePolicy(KEY, ok(bytes(doubled))).findings, 'duplicate-key')).toEqual([
        expect.objectContaining({ path: 'runbooks.rb-sev1-paging', severity: 'error' }),
      ]);
    });

    it('writes the path from the array root in the bare-array form', () => {
      const bare = text([incidentRow(), rollbackRow()]).replace(
        '"phase":"incident"',
        '"phase":"cutover","phase":"incident"',
      );
      expect(only(validatePolicy(KEY, ok(bytes(bare))).findings, 'duplicate-key')).toEqual([
        expect.objectContaining({ path: '[0].phase', rowId: 'incident-sev1-paging' }),
      ]);
    });

    it('counts the repeated keys beyond the first 100 in one more finding', () => {
      const rows = Array.from({ length: 102 }, (_, i) =>
        text(incidentRow({ id: `r${i}` })).replace('{', '{"blocking":false,'),
      );
      const findings = only(
        validatePolicy(
          KEY,
          ok(bytes(text(policyDocument()).replace(/"rows":\[/, `"rows":[${rows.join(',')},`))),
        ).findings,
        'duplicate-key',
      );
      expect(findings).toHaveLength(101);
      expect(findings[0]).toEqual({
        code: 'duplicate-key',
        severity: 'error',
        message: `${KEY}: 2 more duplicate keys are not listed`,
      });
    });
  });

  it('reports a read error as policy-unreadable with its cause', () => {
    expect(validatePolicy(KEY, { kind: 'error', message: 'AccessDenied' }).findings).toEqual([
      { code: 'policy-unreadable', severity: 'error', message: `${KEY}: AccessDenied` },
    ]);
  });
});

describe('validatePolicyValue', () => {
  describe('schema', () => {
    it('reports a missing field with its JSON path and row id', () => {
      const rows = [
        incidentRow(),
        rollbackRow(),
        incidentRow({ id: 'r2' }),
        incidentRow({ id: 'r3' }),
      ] as Record<string, unknown>[];
      delete rows[3]?.requiredRoles;
      const result = validatePolicyValue(KEY, policyDocument({ rows }));
      expect(result.findings).toEqual([
        {
          code: 'schema',
          severity: 'error',
          rowId: 'r3',
          path: 'rows[3].requiredRoles',
          message: `${KEY} rows[3].requiredRoles: required field is missing (expected array)`,
        },
      ]);
    });

    it('reports a field of the wrong type', () => {
      const [finding] = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2' }), blocking: 'yes' }),
      ).findings;
      expect(finding).toMatchObject({
        code: 'schema',
        severity: 'error',
        rowId: 'r2',
        path: 'rows[2].blocking',
      });
      expect(finding?.message).toMatch(/expected boolean/);
    });

    it('reports a phase outside its enum', () => {
      const [finding] = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2' }), phase: 'rollout' }),
      ).findings;
      expect(finding).toMatchObject({
        code: 'schema',
        severity: 'error',
        rowId: 'r2',
        path: 'rows[2].phase',
      });
    });

    it('reports a severityClass outside its enum', () => {
      const [finding] = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2' }), severityClass: 'sev9' }),
      ).findings;
      expect(finding).toMatchObject({
        code: 'schema',
        severity: 'error',
        rowId: 'r2',
        path: 'rows[2].severityClass',
      });
    });

    it('reports a list element of the wrong type by its index', () => {
      const findings = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2' }), requiredRoles: ['ic', 7] }),
      ).findings;
      expect(findings).toEqual([
        expect.objectContaining({ code: 'schema', path: 'rows[2].requiredRoles[1]' }),
      ]);
    });

    it('reports one finding per issue of a row', () => {
      const broken = { ...incidentRow({ id: 'r2' }), phase: 'x', blocking: 1, maxResponseMinutes: '5' };
      expect(
        only(validatePolicyValue(KEY, withThirdRow(broken)).findings, 'schema').map((f) => f.path),
      ).toEqual(['rows[2].blocking', 'rows[2].maxResponseMinutes', 'rows[2].phase']);
    });

    it('reports a row without an id without a rowId', () => {
      const row: Record<string, unknown> = { ...incidentRow() };
      delete row.id;
      const [finding] = validatePolicyValue(KEY, withThirdRow(row)).findings;
      expect(finding).toMatchObject({ code: 'schema', path: 'rows[2].id' });
      expect(finding).not.toHaveProperty('rowId');
    });

    it('reports a row that is not an object', () => {
      expect(
        validatePolicyValue(KEY, withThirdRow(42 as unknown as Record<string, unknown>)).findings,
      ).toEqual([expect.objectContaining({ code: 'schema', path: 'rows[2]' })]);
    });

    it('does not evaluate a schema-invalid row', () => {
      const result = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2' }), phase: 'rollout' }),
      );
      expect(result.rows.map((r) => r.id)).toEqual(['incident-sev1-paging', 'cutover-rollback-db']);
      expect(result.rowCount).toBe(3);
    });

    it('reports a missing schemaVersion', () => {
      const document = policyDocument();
      delete document.schemaVersion;
      expect(validatePolicyValue(KEY, document).findings).toEqual([
        {
          code: 'schema',
          severity: 'error',
          path: 'schemaVersion',
          message: `${KEY} schemaVersion: expected "usr-operational-readiness-policy/v1", got missing`,
        },
      ]);
    });

    it('reports an unknown schemaVersion but still evaluates the rows', () => {
      const result = validatePolicyValue(
        KEY,
        policyDocument({ schemaVersion: 'usr-operational-readiness-policy/v2' }),
      );
      expect(codes(result.findings)).toEqual(['schema']);
      expect(result.findings[0]?.message).toContain('got "usr-operational-readiness-policy/v2"');
      expect(result.rows).toHaveLength(2);
    });

    it('reports a policyVersion that is not a string', () => {
      const result = validatePolicyValue(KEY, policyDocument({ policyVersion: 2026 }));
      expect(result.findings).toEqual([expect.objectContaining({ code: 'schema', path: 'policyVersion' })]);
      expect(result.policyVersion).toBeNull();
    });

    it('reports a document without rows', () => {
      const document = policyDocument();
      delete document.rows;
      expect(validatePolicyValue(KEY, document).findings).toContainEqual({
        code: 'schema',
        severity: 'error',
        path: 'rows',
        message: `${KEY} rows: required field is missing`,
      });
    });

    it('reports rows that are not an array', () => {
      expect(validatePolicyValue(KEY, policyDocument({ rows: {} })).findings).toContainEqual(
        expect.objectContaining({
          code: 'schema',
          path: 'rows',
          message: `${KEY} rows: expected an array of rows`,
        }),
      );
    });

    it.each([
      ['null', null],
      ['a number', 42],
      ['a string', 'rows'],
    ])('reports a document that is %s at the root path', (_label, value) => {
      const result = validatePolicyValue(KEY, value);
      expect(result.findings).toEqual([
        expect.objectContaining({ code: 'schema', severity: 'error', path: '$' }),
      ]);
      expect(result.rows).toEqual([]);
    });

    it('reports a catalog entry without a version and keeps the entries that have one', () => {
      const result = validatePolicyValue(KEY, policyDocument({ runbooks: { ...CATALOG, 'rb-other': {} } }));
      expect(result.findings).toEqual([
        expect.objectContaining({ code: 'schema', severity: 'error', path: 'runbooks.rb-other.version' }),
      ]);
      expect(result.catalog).toEqual({ 'rb-sev1-paging': '3.2.0', 'rb-rollback-db': '1.4.0' });
    });
  });

  describe('unknown-field', () => {
    it('reports an unknown row field as a warning and still evaluates the row without it', () => {
      const result = validatePolicyValue(KEY, withThirdRow({ ...incidentRow({ id: 'r2' }), owner: 'jdoe' }));
      expect(result.findings).toEqual([
        {
          code: 'unknown-field',
          severity: 'warning',
          rowId: 'r2',
          path: 'rows[2].owner',
          message: `${KEY} rows[2].owner: unknown field "owner" is not part of the schema`,
        },
      ]);
      expect(result.rows.map((r) => r.id)).toContain('r2');
      expect(result.rows.find((r) => r.id === 'r2')).not.toHaveProperty('owner');
    });

    it('reports an unknown top-level field as a warning', () => {
      expect(validatePolicyValue(KEY, policyDocument({ owners: ['sre'] })).findings).toEqual([
        {
          code: 'unknown-field',
          severity: 'warning',
          path: 'owners',
          message: `${KEY} owners: unknown field "owners" is not part of the schema`,
        },
      ]);
    });

    it('reports an unknown field of a catalog entry', () => {
      const runbooks = { ...CATALOG, 'rb-sev1-paging': { version: '3.2.0', url: 'x' } };
      expect(validatePolicyValue(KEY, policyDocument({ runbooks })).findings).toEqual([
        expect.objectContaining({
          code: 'unknown-field',
          severity: 'warning',
          path: 'runbooks.rb-sev1-paging.url',
        }),
      ]);
    });
  });

  describe('duplicate-row-id', () => {
    it('reports the second row with an id and evaluates only the first', () => {
      const result = validatePolicyValue(KEY, withThirdRow(incidentRow({ severityClass: 'sev2' })));
      expect(result.findings).toEqual([
        {
          code: 'duplicate-row-id',
          severity: 'error',
          rowId: 'incident-sev1-paging',
          path: 'rows[2].id',
          message: `${KEY} rows[2].id: row id "incident-sev1-paging" is already used by rows[0]`,
        },
      ]);
      expect(result.rows.filter((r) => r.id === 'incident-sev1-paging')).toEqual([incidentRow()]);
    });

    it('evaluates neither row when the first of two rows sharing an id fails the schema', () => {
      const result = validatePolicyValue(
        KEY,
        policyDocument({ rows: [{ ...incidentRow(), phase: 'x' }, incidentRow(), rollbackRow()] }),
      );
      expect(codes(result.findings)).toEqual(['coverage-missing', 'schema', 'duplicate-row-id']);
      expect(result.rows.map((r) => r.id)).toEqual(['cutover-rollback-db']);
    });
  });

  describe('blocking-roles-empty', () => {
    it('reports a blocking row without required roles', () => {
      const result = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2', requiredRoles: [] }) }),
      );
      expect(result.findings).toEqual([
        expect.objectContaining({
          code: 'blocking-roles-empty',
          severity: 'error',
          rowId: 'r2',
          path: 'rows[2].requiredRoles',
        }),
      ]);
    });

    it('accepts a non-blocking row without required roles', () => {
      const row = incidentRow({ id: 'r2', requiredRoles: [], blocking: false });
      expect(validatePolicyValue(KEY, withThirdRow({ ...row })).findings).toEqual([]);
    });
  });

  describe('incident-channels-empty', () => {
    it('reports an incident row without communication channels', () => {
      const row = incidentRow({ id: 'r2', communicationChannels: [], blocking: false });
      expect(validatePolicyValue(KEY, withThirdRow({ ...row })).findings).toEqual([
        expect.objectContaining({
          code: 'incident-channels-empty',
          severity: 'error',
          rowId: 'r2',
          path: 'rows[2].communicationChannels',
        }),
      ]);
    });

    it('accepts a rollback row without communication channels', () => {
      expect(
        validatePolicyValue(KEY, withThirdRow({ ...rollbackRow({ id: 'r2', communicationChannels: [] }) }))
          .findings,
      ).toEqual([]);
    });
  });

  describe('slo-budget-invalid', () => {
    it.each([
      ['maxResponseMinutes', 0],
      ['maxResponseMinutes', -1],
      ['maxResponseMinutes', 1.5],
      ['maxRecoveryMinutes', 0],
      ['maxRecoveryMinutes', -1],
      ['maxRecoveryMinutes', 1.5],
    ])('reports %s = %p', (field, value) => {
      const result = validatePolicyValue(KEY, withThirdRow({ ...incidentRow({ id: 'r2' }), [field]: value }));
      expect(result.findings).toEqual([
        {
          code: 'slo-budget-invalid',
          severity: 'error',
          rowId: 'r2',
          path: `rows[2].${field}`,
          message: `${KEY} rows[2].${field}: must be a positive integer number of minutes, got ${value}`,
        },
      ]);
    });

    it('still evaluates a row whose only problem is its budget', () => {
      const result = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2', maxResponseMinutes: 0 }) }),
      );
      expect(result.rows.map((r) => r.id)).toContain('r2');
    });

    it('accepts a budget of one minute', () => {
      const row = incidentRow({ id: 'r2', maxResponseMinutes: 1, maxRecoveryMinutes: 1 });
      expect(validatePolicyValue(KEY, withThirdRow({ ...row })).findings).toEqual([]);
    });

    it('reports a budget that is not a number as a schema error only', () => {
      expect(
        codes(
          validatePolicyValue(KEY, withThirdRow({ ...incidentRow({ id: 'r2' }), maxRecoveryMinutes: '60' }))
            .findings,
        ),
      ).toEqual(['schema']);
    });
  });

  describe('runbook-unpinned', () => {
    it('is an error on a blocking row whose runbook the catalog does not pin', () => {
      const result = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2', runbookId: 'rb-new' }) }),
      );
      expect(result.findings).toEqual([
        {
          code: 'runbook-unpinned',
          severity: 'error',
          rowId: 'r2',
          path: 'rows[2].runbookId',
          message: `${KEY} rows[2].runbookId: runbook "rb-new" has no pinned version in the runbooks catalog`,
        },
      ]);
    });

    it('is a warning on a non-blocking row', () => {
      const row = incidentRow({ id: 'r2', runbookId: 'rb-new', blocking: false });
      expect(validatePolicyValue(KEY, withThirdRow({ ...row })).findings).toEqual([
        expect.objectContaining({ code: 'runbook-unpinned', severity: 'warning', rowId: 'r2' }),
      ]);
    });

    it('is not reported when the policy has no catalog', () => {
      const document = withThirdRow({ ...incidentRow({ id: 'r2', runbookId: 'rb-new' }) });
      delete document.runbooks;
      expect(validatePolicyValue(KEY, document).findings).toEqual([]);
    });

    it('treats an empty catalog as a catalog that pins nothing', () => {
      expect(codes(validatePolicyValue(KEY, policyDocument({ runbooks: {} })).findings)).toEqual([
        'runbook-unpinned',
        'runbook-unpinned',
      ]);
    });

    it('is reported for a runbook id that names an Object.prototype member', () => {
      const result = validatePolicyValue(
        KEY,
        withThirdRow({ ...incidentRow({ id: 'r2', runbookId: 'constructor' }) }),
      );
      expect(result.findings).toEqual([expect.objectContaining({ code: 'runbook-unpinned', rowId: 'r2' })]);
    });
  });

  describe('coverage-missing', () => {
    it('is reported when no blocking row has phase incident', () => {
      const result = validatePolicyValue(
        KEY,
        policyDocument({ rows: [incidentRow({ blocking: false }), rollbackRow()] }),
      );
      expect(result.findings).toEqual([
        {
          code: 'coverage-missing',
          severity: 'error',
          message: `${KEY}: no valid blocking row with phase "incident"`,
        },
      ]);
    });

    it('is reported when no blocking row is in a cutover phase', () => {
      const result = validatePolicyValue(
        KEY,
        policyDocument({ rows: [incidentRow(), rollbackRow({ blocking: false })] }),
      );
      expect(result.findings).toEqual([
        {
          code: 'coverage-missing',
          severity: 'error',
          message: `${KEY}: no valid blocking row in a cutover phase (pre-cutover, cutover, post-cutover)`,
        },
      ]);
    });

    it('is reported twice for an empty policy', () => {
      expect(codes(validatePolicyValue(KEY, policyDocument({ rows: [] })).findings)).toEqual([
        'coverage-missing',
        'coverage-missing',
      ]);
    });

    it.each(['pre-cutover', 'post-cutover'] as const)(
      'counts a blocking %s row as cutover coverage',
      (phase) => {
        const result = validatePolicyValue(
          KEY,
          policyDocument({ rows: [incidentRow(), rollbackRow({ phase })] }),
        );
        expect(result.findings).toEqual([]);
      },
    );

    it('does not count a schema-invalid blocking row as coverage', () => {
      const result = validatePolicyValue(
        KEY,
        policyDocument({ rows: [{ ...incidentRow(), severityClass: 'x' }, rollbackRow()] }),
      );
      expect(codes(result.findings)).toEqual(['coverage-missing', 'schema']);
    });
  });

  describe('the bare-array form', () => {
    it('accepts an array of rows with no catalog and no policy version', () => {
      const result = validatePolicyValue(KEY, [incidentRow(), rollbackRow({ runbookId: 'rb-anything' })]);
      expect(result.findings).toEqual([]);
      expect(result.catalog).toBeNull();
      expect(result.policyVersion).toBeNull();
      expect(result.rows).toHaveLength(2);
    });

    it('writes row paths from the array root', () => {
      const result = validatePolicyValue(KEY, [
        incidentRow(),
        rollbackRow(),
        { ...incidentRow({ id: 'r2' }), phase: 'x' },
      ]);
      expect(result.findings).toEqual([
        expect.objectContaining({ code: 'schema', rowId: 'r2', path: '[2].phase' }),
      ]);
    });
  });

  describe('messages', () => {
    const hostile = policyDocument({
      'top\nlevel': true,
      rows: [
        incidentRow({ id: 'a\nb', runbookId: 'rb\r\nnew', requiredRoles: [] }),
        incidentRow({ id: 'a\nb' }),
        { ...rollbackRow(), 'x\ny': 1 },
      ],
    });

    it('are one line each, even when ids and field names contain line breaks', () => {
      const findings = validatePolicyValue(KEY, hostile).findings;
      expect(codes(findings).sort()).toEqual(
        [
          'blocking-roles-empty',
          // an id with a line break is not a usable key segment: both incident rows fail the schema, so no
          // valid blocking incident row is left
          'coverage-missing',
          'duplicate-row-id',
          'runbook-unpinned',
          'schema',
          'schema',
          'unknown-field',
          'unknown-field',
        ].sort(),
      );
      for (const finding of findings) {
        expect(finding.message).not.toMatch(/[\r\n]/);
        expect(finding.path ?? '').not.toMatch(/[\r\n]/);
      }
    });

    it('start with the policy key', () => {
      for (const finding of validatePolicyValue(KEY, hostile).findings)
        expect(finding.message.startsWith(KEY)).toBe(true);
    });
  });

  it('orders findings document-level first, then by row id and path', () => {
    const result = validatePolicyValue(
      KEY,
      policyDocument({
        zzz: 1,
        rows: [
          incidentRow({ id: 'b', maxResponseMinutes: 0 }),
          rollbackRow({ id: 'a', requiredRoles: [] }),
          incidentRow({ id: 'b' }),
        ],
      }),
    );
    expect(result.findings.map((f) => [f.rowId ?? null, f.code])).toEqual([
      [null, 'unknown-field'],
      ['a', 'blocking-roles-empty'],
      ['b', 'slo-budget-invalid'],
      ['b', 'duplicate-row-id'],
    ]);
  });
});
