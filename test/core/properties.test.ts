/**
 * Whatever the store holds — arbitrary JSON, arbitrary bytes, or a valid document bent out of shape — as policy,
 * evidence, schedule or alert ledger, a run never throws and writes reports that validate against their schemas.
 */
import fc from 'fast-check';
import { formatKeyTimestamp } from '../../lambdas/core/drills';
import { MANIFEST_FILE } from '../../lambdas/core/manifest';
import { INCIDENT_FILE, ROLLBACK_FILE, VALIDATION_FILE } from '../../lambdas/core/reports';
import type { PolicyRow, ValidationReport } from '../../lambdas/core/schemas';
import {
  AlertSchema,
  DrillReportSchema,
  LedgerSchema,
  POLICY_SCHEMA_VERSION,
  SCHEDULE_SCHEMA_VERSION,
  ValidationReportSchema,
} from '../../lambdas/core/schemas';
import { isoInstant } from '../../lambdas/core/time';
import type { MonitorOptions, RunResult } from '../../lambdas/monitor';
import { LedgerError } from '../../lambdas/ports';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../../lambdas/monitor';
import { CATALOG, DAY, at, evidence, incidentRow, rollbackRow } from '../fixtures/core/builders';
import {
  MemoryAlertSink,
  MemoryEvidenceStore,
  MemoryLedgerStore,
  MemoryReportSink,
} from '../fixtures/core/memory-store';

const NUM_RUNS = 150;
const NOW = at('2026-11-25T06:00:00Z');
const ROWS: PolicyRow[] = [
  incidentRow(),
  rollbackRow(),
  incidentRow({ id: 'incident-optional', blocking: false }),
];
const VALID_POLICY = {
  schemaVersion: POLICY_SCHEMA_VERSION,
  policyVersion: '1',
  runbooks: CATALOG,
  rows: ROWS,
};
const VALID_SCHEDULE = {
  schemaVersion: SCHEDULE_SCHEMA_VERSION,
  windows: [
    { id: 'w-prev', startsAt: '2026-10-31T22:00:00Z', endsAt: '2026-11-01T04:00:00Z' },
    { id: 'w-now', startsAt: '2026-11-24T22:00:00Z', endsAt: '2026-11-26T04:00:00Z' },
  ],
};

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

// ---------------------------------------------------------------- arbitraries

type Json = unknown;
type Mutation = readonly [pick: number, kind: 'replace' | 'delete' | 'add', value: Json, key: string];

/** Strings that break lines, and names that clash with the fields or with Object.prototype. */
const awkwardString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('a\nb', 'x\r', 'tab\there', 'ls\u2028'),
);
const keyArb = fc.oneof(
  fc.string(),
  awkwardString,
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'id',
    'rows',
    'runbooks',
    'completedAt',
    'windows',
    'rowId',
  ),
);
const mutationArb: fc.Arbitrary<Mutation> = fc.tuple(
  fc.nat(),
  fc.constantFrom('replace' as const, 'delete' as const, 'add' as const),
  fc.oneof(fc.jsonValue({ maxDepth: 2 }), awkwardString),
  keyArb,
);

/** Sets an own property, even `__proto__`, as JSON.parse would. */
function setOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function containers(node: Json, out: Json[] = []): Json[] {
  if (node !== null && typeof node === 'object') {
    out.push(node);
    for (const child of Object.values(node)) containers(child, out);
  }
  return out;
}

/** Applies one mutation to a container of `document` picked by `pick` (or replaces the whole document). */
function mutate(document: Json, [pick, kind, value, key]: Mutation): Json {
  const nodes = containers(document);
  if (nodes.length === 0 || pick % (nodes.length + 1) === nodes.length)
    return kind === 'replace' ? value : document;
  const node = nodes[pick % nodes.length];
  if (Array.isArray(node)) {
    const index = pick % Math.max(1, node.length);
    if (kind === 'replace') node[index] = value;
    else if (kind === 'delete') node.splice(index, 1);
    else node.push(value);
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, Json>;
    const keys = Object.keys(record);
    const existing = keys[pick % Math.max(1, keys.length)];
    if (kind === 'add' || existing === undefined) setOwn(record, key, value);
    else if (kind === 'replace') setOwn(record, existing, value);
    else delete record[existing];
  }
  return document;
}

function mutatedArb(valid: Json): fc.Arbitrary<Json> {
  return fc
    .array(mutationArb, { minLength: 1, maxLength: 4 })
    .map((mutations) => mutations.reduce<Json>((doc, m) => mutate(doc, m), structuredClone(valid)));
}

/** The bytes of a document: arbitrary JSON, arbitrary bytes, the valid document bent, or the valid document. */
function documentArb(valid: Json): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.jsonValue().map(encode),
    fc.uint8Array({ maxLength: 64 }),
    mutatedArb(valid).map(encode),
    fc.constant(encode(valid)),
  );
}

const instantArb = fc.integer({ min: at('2026-08-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z') });

/** One artifact in a row's folder: a conforming or nonconforming name, any content. */
const artifactArb = fc
  .record({
    row: fc.constantFrom(...ROWS),
    completedAt: instantArb,
    name: fc.oneof(
      fc.constant(null),
      fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/')),
    ),
    lastModified: fc.option(instantArb.map(isoInstant)),
    pass: fc.boolean(),
  })
  .chain(({ row, completedAt, name, lastModified, pass }) => {
    const valid = evidence(row, isoInstant(completedAt), pass ? {} : { outcome: 'fail' });
    const file = name ?? `${formatKeyTimestamp(completedAt)}-${valid.drillId}.json`;
    return documentArb(valid).map((bytes) => ({ key: `drills/${row.id}/${file}`, bytes, lastModified }));
  });

/** Successful, conforming drills of every row, so that the other inputs decide the outcome. */
function healthyDrills(): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const row of ROWS) {
    const completedAt = '2026-11-20T10:00:00Z';
    const drill = evidence(row, completedAt);
    out[`drills/${row.id}/${formatKeyTimestamp(at(completedAt))}-${drill.drillId}.json`] = encode(drill);
  }
  return out;
}

// ---------------------------------------------------------------- the run and its checks

interface Inputs {
  readonly policy: Uint8Array;
  readonly schedule: Uint8Array | null;
  readonly artifacts: readonly { key: string; bytes: Uint8Array; lastModified: string | null }[];
  readonly ledger?: Uint8Array | null;
  readonly now?: number;
  readonly cadenceDays?: number;
  readonly warnDays?: number;
}

async function runOn(inputs: Inputs, generatedAt = '2026-11-25T06:00:01Z') {
  const store = new MemoryEvidenceStore({ [DEFAULT_POLICY_KEY]: inputs.policy });
  if (inputs.schedule) store.put(DEFAULT_SCHEDULE_KEY, inputs.schedule);
  for (const artifact of inputs.artifacts)
    store.put(artifact.key, { bytes: artifact.bytes, lastModified: artifact.lastModified });
  const reports = new MemoryReportSink();
  const ledger = new MemoryLedgerStore();
  if (inputs.ledger) ledger.body = new TextDecoder().decode(inputs.ledger);
  const sink = new MemoryAlertSink();
  const options: MonitorOptions = {
    policyKey: DEFAULT_POLICY_KEY,
    scheduleKey: DEFAULT_SCHEDULE_KEY,
    parameters: { cadenceDays: inputs.cadenceDays ?? 30, warnDays: inputs.warnDays ?? 7 },
    concurrency: 2,
  };
  const ledgerBefore = ledger.body;
  let result: RunResult | null = null;
  let ledgerError: LedgerError | null = null;
  try {
    result = await runMonitor(
      {
        store,
        reports,
        alerts: { sink, ledger },
        now: new Date(inputs.now ?? NOW),
        clock: () => new Date(generatedAt),
      },
      options,
    );
  } catch (error) {
    // The one failure a run may end in here: a ledger it cannot use. The reports are written first.
    if (!(error instanceof LedgerError)) throw error;
    ledgerError = error;
  }
  return { result, ledgerError, ledgerBefore, reports, ledger, sink };
}

const parseReport = (reports: MemoryReportSink, file: string): unknown => {
  const body = reports.files.get(`reports/latest/${file}`);
  if (body === undefined) throw new Error(`no ${file} written`);
  expect(reports.files.get(`reports/${body.match(/"asOf": "(\d{4}-\d{2}-\d{2})/)?.[1] ?? '?'}/${file}`)).toBe(
    body,
  );
  return JSON.parse(body) as unknown;
};

/** Every written document validates; the decision agrees with its blockers and the row statuses. */
async function checkRun(inputs: Inputs): Promise<void> {
  const { reports, ledger, sink, ledgerError, ledgerBefore } = await runOn(inputs);
  const validation: ValidationReport = ValidationReportSchema.parse(parseReport(reports, VALIDATION_FILE));
  const incident = DrillReportSchema.parse(parseReport(reports, INCIDENT_FILE));
  const rollback = DrillReportSchema.parse(parseReport(reports, ROLLBACK_FILE));

  const promotion = validation.promotion;
  expect(promotion.decision).toBe(promotion.blockers.length === 0 ? 'go' : 'no-go');
  expect(validation.summary.errors).toBe(validation.findings.filter((f) => f.severity === 'error').length);
  const rowFindings = [...incident.rows, ...rollback.rows].flatMap((r) => r.findings);
  for (const finding of [...validation.findings, ...promotion.blockers, ...rowFindings]) {
    expect(finding.message).not.toMatch(/[\r\n]/);
  }
  for (const row of [...incident.rows, ...rollback.rows]) {
    if (row.blocking && ['never-drilled', 'overdue', 'cutover-uncovered'].includes(row.status)) {
      expect(promotion.blockers).toContainEqual(
        expect.objectContaining({ code: row.status, rowId: row.rowId }),
      );
    }
  }
  const consumed = promotion.consumedEvidence.map((c) => c.rowId);
  expect(consumed).toEqual([...consumed].sort());

  for (const alert of sink.published) {
    expect(AlertSchema.safeParse(alert).success).toBe(true);
    expect(alert.subject).not.toMatch(/[\r\n]/);
  }
  if (ledgerError) {
    // An unusable ledger is never replaced (that would send everything again): it is left as it was, nothing is
    // sent, and the report says why.
    expect(ledger.body).toBe(ledgerBefore);
    expect(sink.published).toEqual([]);
    expect(validation.alerts?.error).toBe(ledgerError.message);
    return;
  }
  expect(ledger.body).not.toBeNull();
  expect(LedgerSchema.safeParse(JSON.parse(ledger.body ?? 'null')).success).toBe(true);
}

const property = <T>(arb: fc.Arbitrary<T>, toInputs: (value: T) => Inputs) =>
  fc.assert(
    fc.asyncProperty(arb, (value) => checkRun(toInputs(value))),
    { numRuns: NUM_RUNS },
  );

const validArtifacts = Object.entries(healthyDrills()).map(([key, bytes]) => ({
  key,
  bytes,
  lastModified: null,
}));

describe('the engine on arbitrary input', () => {
  it('never throws and writes valid reports whatever the policy', async () => {
    await property(documentArb(VALID_POLICY), (policy) => ({
      policy,
      schedule: encode(VALID_SCHEDULE),
      artifacts: validArtifacts,
    }));
  });

  it('never throws and writes valid reports whatever the evidence', async () => {
    await property(fc.array(artifactArb, { maxLength: 8 }), (artifacts) => ({
      policy: encode(VALID_POLICY),
      schedule: encode(VALID_SCHEDULE),
      artifacts,
    }));
  });

  it('never throws and writes valid reports whatever the schedule', async () => {
    await property(fc.option(documentArb(VALID_SCHEDULE), { nil: null }), (schedule) => ({
      policy: encode(VALID_POLICY),
      schedule,
      artifacts: validArtifacts,
    }));
  });

  it('writes valid reports whatever the alert ledger, and never replaces one it cannot read', async () => {
    await property(
      documentArb({
        schemaVersion: 'usr-readiness-alert-ledger/v2',
        asOf: '2026-11-24T06:00:00Z',
        entries: [
          {
            rowId: 'incident-sev1-paging',
            topic: 'overdue',
            blocking: true,
            firstSeen: '2026-11-20T06:00:00Z',
            lastAlerted: '2026-11-24',
          },
        ],
        claims: [],
      }),
      (ledger) => ({
        policy: encode(VALID_POLICY),
        schedule: encode(VALID_SCHEDULE),
        artifacts: validArtifacts,
        ledger,
      }),
    );
  });

  it('never throws whatever the evaluation instant and parameters', async () => {
    const arb = fc.record({
      now: instantArb,
      cadenceDays: fc.integer({ min: 1, max: 90 }),
      warnDays: fc.integer({ min: 0, max: 30 }),
      artifacts: fc.array(artifactArb, { maxLength: 6 }),
    });
    await property(arb, ({ now, cadenceDays, warnDays, artifacts }) => ({
      policy: encode(VALID_POLICY),
      schedule: encode(VALID_SCHEDULE),
      artifacts,
      now,
      cadenceDays,
      warnDays,
    }));
  });

  it('writes the same report bytes, apart from generatedAt, for the same inputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(artifactArb, { maxLength: 6 }),
        documentArb(VALID_POLICY),
        async (artifacts, policy) => {
          const inputs = { policy, schedule: encode(VALID_SCHEDULE), artifacts };
          const first = await runOn(inputs, '2026-11-25T06:00:01Z');
          const second = await runOn(inputs, '2026-11-25T09:30:00Z');
          const strip = (text: string | undefined) => text?.replace(/"generatedAt": "[^"]*"/, '');
          // A manifest seals the exact bytes, generatedAt included: its digests are compared apart.
          const digests = (text: string | undefined) => text?.replace(/"sha256": "[0-9a-f]{64}"/g, '');
          expect([...second.reports.files.keys()]).toEqual([...first.reports.files.keys()]);
          for (const [key, body] of first.reports.files) {
            if (key.endsWith(MANIFEST_FILE))
              expect(digests(second.reports.files.get(key))).toBe(digests(body));
            else expect(strip(second.reports.files.get(key))).toBe(strip(body));
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reads the ledger it writes on the next run', async () => {
    const day2 = NOW + DAY;
    const { ledger } = await runOn({
      policy: encode(VALID_POLICY),
      schedule: encode(VALID_SCHEDULE),
      artifacts: [],
    });
    const next = await runOn({
      policy: encode(VALID_POLICY),
      schedule: encode(VALID_SCHEDULE),
      artifacts: [],
      ledger: new TextEncoder().encode(ledger.body ?? ''),
      now: day2,
    });
    expect(next.ledgerError).toBeNull();
    expect(next.result?.reports.validation.alerts?.error).toBeUndefined();
    expect(next.ledger.body).toContain(`"asOf":"${isoInstant(day2)}"`);
  });
});
