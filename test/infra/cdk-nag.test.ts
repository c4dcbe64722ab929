import type { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ReadinessMonitorStack } from '../../lib/readiness-monitor-stack';
import { newApp } from './support';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

interface Finding {
  readonly path: string;
  readonly id: string;
  readonly severity: string;
}

const CONFIGURATIONS: Record<string, Record<string, unknown>> = {
  'created bucket and topics': {},
  'imported bucket with key and prefix, owners and ops emails': {
    evidenceBucketName: 'usr-evidence-prod',
    evidenceBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
    evidencePrefix: 'usr/',
    reportsPrefix: 'usr-monitor/',
    owners: [{ email: 'ic@example.com', roles: ['incident-commander'], severityClasses: ['sev1'] }],
    opsEmails: ['oncall@example.com'],
  },
  'a separate reports bucket under Object Lock (COMPLIANCE)': { reportRetentionDays: 400 },
  'an imported evidence bucket and a separate reports bucket': {
    evidenceBucketName: 'usr-evidence-prod',
    reportRetentionDays: 30,
  },
  'object lock, custom schedule, owners and the history tables': {
    objectLockDays: 365,
    historyTable: true,
    scheduleExpression: 'cron(0 5 ? * MON-FRI *)',
    scheduleTimeZone: 'Europe/Berlin',
    owners: [{ email: 'audit@example.com' }],
  },
};

const PACKS: [string, () => NagPack][] = [
  ['AwsSolutions', () => new AwsSolutionsChecks()],
  ['Serverless', () => new ServerlessChecks()],
];

function synthesizedApp(context: Record<string, unknown>): App {
  const app = newApp(context);
  new ReadinessMonitorStack(app, 'Usr');
  app.synth();
  return app;
}

function findings(pack: NagPack, app: App): Finding[] {
  return pack.validateScope(app).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => ({
      path: resource.constructPath ?? '?',
      id: violation.ruleName,
      severity: violation.severity ?? '?',
    })),
  );
}

/** What the pack would report if nothing were acknowledged (cdk-nag reads acknowledgements from this metadata key). */
function unacknowledgedFindings(pack: NagPack, app: App): Finding[] {
  const holder = Validations as unknown as { ACKNOWLEDGED_RULES_METADATA_KEY: string };
  const original = holder.ACKNOWLEDGED_RULES_METADATA_KEY;
  holder.ACKNOWLEDGED_RULES_METADATA_KEY = 'test:acknowledgements-ignored';
  try {
    return findings(pack, app);
  } finally {
    holder.ACKNOWLEDGED_RULES_METADATA_KEY = original;
  }
}

function acknowledgements(app: App): Acknowledgement[] {
  const result: Acknowledgement[] = [];
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        result.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return result;
}

describe.each(Object.entries(CONFIGURATIONS))('cdk-nag over the stack with %s', (_name, context) => {
  let app: App;
  beforeAll(() => {
    app = synthesizedApp(context);
  });

  it.each(PACKS)('the %s pack reports no unacknowledged finding, error or warning', (_pack, pack) => {
    expect(findings(pack(), app)).toEqual([]);
  });

  it('acknowledges only findings the packs really report, on the resources they report them for', () => {
    const raw = PACKS.flatMap(([, pack]) => unacknowledgedFindings(pack(), app));
    expect(raw.length).toBeGreaterThan(0);
    for (const acknowledgement of acknowledgements(app)) {
      const matching = raw.filter(
        (finding) =>
          finding.id === acknowledgement.id &&
          (finding.path === acknowledgement.path || finding.path.startsWith(`${acknowledgement.path}/`)),
      );
      expect({ ...acknowledgement, matching: matching.length > 0 }).toEqual({
        ...acknowledgement,
        matching: true,
      });
    }
  });

  it('gives every acknowledgement a specific reason', () => {
    for (const { id, reason } of acknowledgements(app)) {
      expect({ id, long: reason.length >= 80 }).toEqual({ id, long: true });
      expect(reason).not.toMatch(/^(n\/a|todo|tbd|ignore|suppress|false positive|not needed)\b/i);
      const wildcard = /^AwsSolutions-IAM5\[Resource::.*\/([a-z]+)\/\*\]$/.exec(id);
      if (wildcard) expect(reason).toContain(`${wildcard[1]}/'`);
    }
  });
});

describe('cdk-nag acknowledgements', () => {
  it('are exactly this list for the default stack (a new acknowledgement is a visible change)', () => {
    const app = synthesizedApp({});
    expect(
      acknowledgements(app)
        .map(({ path, id }) => `${path} ${id}`)
        .sort(),
    ).toEqual([
      'Usr/Monitor/DailyCheck AwsSolutions-L1',
      'Usr/Monitor/DailyCheck Serverless-LambdaDLQ',
      'Usr/Monitor/DailyCheck Serverless-LambdaLatestVersion',
      'Usr/Monitor/DeadLetterQueue AwsSolutions-SQS3',
      'Usr/Monitor/DeadLetterQueue Serverless-SQSRedrivePolicy',
      'Usr/Monitor/EvidenceChange AwsSolutions-L1',
      'Usr/Monitor/EvidenceChange Serverless-LambdaDLQ',
      'Usr/Monitor/EvidenceChange Serverless-LambdaEventSourceMappingDestination',
      'Usr/Monitor/EvidenceChange Serverless-LambdaLatestVersion',
      'Usr/Monitor/EvidenceChangeRole AwsSolutions-IAM5[Resource::*]',
      'Usr/Monitor/EvidenceChangeRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/drills/*]',
      'Usr/Monitor/EvidenceChangeRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/history/*]',
      'Usr/Monitor/EvidenceChangeRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/reports/*]',
      'Usr/Monitor/EvidenceChangeRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/state/*]',
      'Usr/Monitor/EvidenceEventsDeadLetterQueue Serverless-SQSRedrivePolicy',
      'Usr/Monitor/FunctionRole AwsSolutions-IAM5[Resource::*]',
      'Usr/Monitor/FunctionRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/drills/*]',
      'Usr/Monitor/FunctionRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/history/*]',
      'Usr/Monitor/FunctionRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/reports/*]',
      'Usr/Monitor/FunctionRole AwsSolutions-IAM5[Resource::<MonitorEvidenceBucketFD795992.Arn>/state/*]',
      'Usr/Monitor/SchedulerRole AwsSolutions-IAM5[Resource::<MonitorDailyCheckE3A9181D.Arn>:*]',
    ]);
  });
});
