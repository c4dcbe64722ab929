/**
 * `npx tsx bench/one-row.ts`: S3 requests of one run over a store with ONE row whose history holds 10 or 1,000
 * drills, for a compliant row (last success yesterday) and an overdue one (last success 60 days ago), against
 * fauxqs on loopback with a counting middleware. Prints one line per case.
 */
import { S3EvidenceStore, S3ReportSink } from '../lambdas/adapters/s3-store';
import { runMonitor } from '../lambdas/monitor';
import { RequestCounter, countS3Requests } from './counting';
import type { Emulator } from './emulator';
import { emulatorS3Client, withEmulator } from './emulator';

// The SDK's Node 20 end-of-support notice is noise in a benchmark's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const NOW = Date.parse('2026-11-25T06:00:00Z');
const DAY = 86_400_000;
const row = {
  id: 'incident-a',
  phase: 'incident',
  runbookId: 'rb-a',
  severityClass: 'sev1',
  requiredRoles: ['ic'],
  requiredArtifacts: ['timeline'],
  communicationChannels: ['#bridge'],
  maxResponseMinutes: 15,
  maxRecoveryMinutes: 60,
  blocking: true,
};

function store(history: number, newestAgeDays: number) {
  const objects = [
    {
      key: 'policy/usr-operational-readiness-policy.json',
      body: JSON.stringify({ schemaVersion: 'usr-operational-readiness-policy/v1', rows: [row] }),
    },
  ];
  for (let i = 0; i < history; i++) {
    const completedAt = new Date(NOW - (newestAgeDays + i) * DAY).toISOString().replace('.000', '');
    const drillId = `d${i}`;
    objects.push({
      key: `drills/${row.id}/${completedAt.replace(/[-:]/g, '')}-${drillId}.json`,
      body: JSON.stringify({
        schemaVersion: 'usr-drill-evidence/v1',
        drillId,
        rowId: row.id,
        drillType: 'incident',
        runbookId: 'rb-a',
        runbookVersion: '1.0.0',
        outcome: 'pass',
        completedAt,
        responseMinutes: 5,
        recoveryMinutes: 30,
        rolesPresent: ['ic'],
        artifactsProduced: ['timeline'],
        channelsUsed: ['#bridge'],
      }),
    });
  }
  return objects;
}

/** One run over the store of `bucket` at NOW: the requests it made, and those of the row. */
async function countRun(emulator: Emulator, bucket: string): Promise<RequestCounter> {
  const client = emulatorS3Client(emulator.endpoint);
  const counter = new RequestCounter();
  countS3Requests(client, counter);
  await runMonitor(
    {
      store: new S3EvidenceStore({ client, bucket, prefix: '' }),
      reports: new S3ReportSink({ client, bucket, prefix: 'out/' }),
      alerts: null,
      now: new Date(NOW),
      clock: () => new Date(NOW),
    },
    {
      policyKey: 'policy/usr-operational-readiness-policy.json',
      scheduleKey: 'schedule/cutover-windows.json',
      parameters: { cadenceDays: 30, warnDays: 7 },
      concurrency: 16,
    },
  );
  return counter;
}

async function main(): Promise<void> {
  await withEmulator(async (emulator) => {
    for (const [label, age] of [
      ['compliant', 1],
      ['overdue', 60],
    ] as const) {
      for (const history of [10, 1000]) {
        const bucket = `one-row-${label}-${history}`;
        emulator.createBucket(bucket);
        await emulator.seed(bucket, store(history, age));
        const counter = await countRun(emulator, bucket);
        const row = counter.perRow.get('incident-a') ?? { List: 0, Get: 0 };
        process.stdout.write(
          `${JSON.stringify({ row: label, history, requests: counter.totals, rowRequests: row })}\n`,
        );
        emulator.emptyBucket(bucket);
      }
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`one-row: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
