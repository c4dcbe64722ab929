import { PublishBatchCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import type { PublishBatchCommandInput, PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { makeSnsClient } from '../../lambdas/adapters/aws-clients';
import {
  EMAIL_FOOTER,
  MAX_PAYLOAD_BYTES,
  SnsAlertSink,
  emailText,
  snsSubject,
} from '../../lambdas/adapters/sns-alerts';
import type { Alert } from '../../lambdas/core/schemas';

const sns = mockClient(SNSClient);
const client = new SNSClient({ region: 'us-east-1' });
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:usr-readiness-alerts';

function alert(n: number, overrides: Partial<Alert> = {}): Alert {
  const rowId = `incident-row-${String(n).padStart(2, '0')}`;
  return {
    id: `2026-11-25/overdue/${rowId}`,
    alertType: 'overdue',
    attributes: { alertType: 'overdue', rowId, blocking: 'true', roles: ['incident-commander'] },
    subject: `[usr-readiness] OVERDUE ${rowId}: last successful drill 35 days ago`,
    body: { subject: `[usr-readiness] OVERDUE ${rowId}`, rowId, reportKey: 'reports/2026-11-25/v.json' },
    ...overrides,
  };
}

/** Answers every PublishBatch with success for each entry. */
const acceptAll = (input: PublishBatchCommandInput) => ({
  Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
  Failed: [],
});

const entriesOf = (call: number): PublishBatchRequestEntry[] =>
  sns.commandCalls(PublishBatchCommand)[call]?.args[0].input.PublishBatchRequestEntries ?? [];

const sizeOf = (entry: PublishBatchRequestEntry): number =>
  Buffer.byteLength(entry.Message ?? '') +
  Buffer.byteLength(entry.Subject ?? '') +
  Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, v]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(v.DataType ?? '') +
      Buffer.byteLength(v.StringValue ?? ''),
    0,
  );

let slept: number[] = [];
const sleep = (ms: number): Promise<void> => {
  slept.push(ms);
  return Promise.resolve();
};
const sink = (maxAttempts = 3) => new SnsAlertSink({ client, topicArn: TOPIC, sleep, maxAttempts });

beforeEach(() => {
  sns.reset();
  slept = [];
});

describe('SnsAlertSink', () => {
  it('names its location sns:<topicArn>', () => {
    expect(sink().location).toBe(`sns:${TOPIC}`);
  });

  it('publishes nothing for no alerts', async () => {
    expect(await sink().publish([])).toEqual({ delivered: [], failed: [] });
    expect(sns).not.toHaveReceivedAnyCommand();
  });

  it('pins the message structure of one entry: subject, JSON default body, email text and attributes', async () => {
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const overdue: Alert = {
      id: '2026-11-25/overdue/incident-sev1-paging',
      alertType: 'overdue',
      attributes: {
        alertType: 'overdue',
        rowId: 'incident-sev1-paging',
        blocking: 'true',
        runbookId: 'rb-sev1-paging',
        phase: 'incident',
        severityClass: 'sev1',
        roles: ['incident-commander', 'comms-lead'],
      },
      subject: '[usr-readiness] OVERDUE incident-sev1-paging: last success 2026-10-20, due 2026-11-19',
      body: {
        subject: '[usr-readiness] OVERDUE incident-sev1-paging: last success 2026-10-20, due 2026-11-19',
        alertType: 'overdue',
        rowId: 'incident-sev1-paging',
        blocking: true,
        roles: ['incident-commander', 'comms-lead'],
        dueAt: '2026-11-19T10:05:00.000Z',
        daysOverdue: 5,
        deadline: null,
        failures: [{ key: 'drills/incident-sev1-paging/20261110T100000Z-d9.json', remediation: 'pending' }],
        reportKey: 'reports/2026-11-25/usr-operational-readiness-validation.json',
      },
    };

    const result = await sink().publish([overdue]);

    expect(result).toEqual({ delivered: [overdue.id], failed: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
    const [entry] = entriesOf(0);
    expect(entry).toEqual({
      Id: 'm0',
      Subject: '[usr-readiness] OVERDUE incident-sev1-paging: last success 2026-10-20, due 2026-11-19',
      MessageStructure: 'json',
      Message: expect.any(String),
      MessageAttributes: {
        alertType: { DataType: 'String', StringValue: 'overdue' },
        rowId: { DataType: 'String', StringValue: 'incident-sev1-paging' },
        blocking: { DataType: 'String', StringValue: 'true' },
        runbookId: { DataType: 'String', StringValue: 'rb-sev1-paging' },
        phase: { DataType: 'String', StringValue: 'incident' },
        severityClass: { DataType: 'String', StringValue: 'sev1' },
        roles: { DataType: 'String.Array', StringValue: '["incident-commander","comms-lead"]' },
      },
    });
    const message = JSON.parse(entry?.Message ?? '{}') as { default: string; email: string };
    expect(Object.keys(message)).toEqual(['default', 'email']);
    expect(message.default).toBe(JSON.stringify(overdue.body));
    expect(message.email).toBe(
      [
        '[usr-readiness] OVERDUE incident-sev1-paging: last success 2026-10-20, due 2026-11-19',
        '',
        'Alert type:   overdue',
        'Row ID:       incident-sev1-paging',
        'Blocking:     true',
        'Roles:        incident-commander, comms-lead',
        'Due at:       2026-11-19T10:05:00.000Z',
        'Days overdue: 5',
        'Deadline:     -',
        'Failures:',
        '  - key: drills/incident-sev1-paging/20261110T100000Z-d9.json, remediation: pending',
        'Report key:   reports/2026-11-25/usr-operational-readiness-validation.json',
        '',
        `-- ${EMAIL_FOOTER}`,
        '',
      ].join('\n'),
    );
  });

  it('leaves empty attribute values out', async () => {
    sns.on(PublishBatchCommand).callsFake(acceptAll);

    await sink().publish([alert(1, { attributes: { alertType: 'summary', rowId: '', roles: [] } })]);

    expect(entriesOf(0)[0]?.MessageAttributes).toEqual({
      alertType: { DataType: 'String', StringValue: 'summary' },
    });
  });

  it('makes the subject printable ASCII on one line, fewer than 100 characters', () => {
    expect(snsSubject('[usr-readiness] OVERDUE café-row:\nlast drill “failed” — see…')).toBe(
      '[usr-readiness] OVERDUE cafe-row: last drill "failed" - see...',
    );
    expect(snsSubject('x'.repeat(99) + '…')).toHaveLength(99);
    expect(snsSubject('x'.repeat(99))).toBe('x'.repeat(99));
    expect(snsSubject(`${'y'.repeat(120)}`)).toBe(`${'y'.repeat(96)}...`);
    expect(snsSubject('\u{1F6A8}\t')).toBe('??');
    expect(snsSubject('  ')).toBe('usr-readiness alert');
  });

  it('splits a batch at 10 entries', async () => {
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const alerts = Array.from({ length: 23 }, (_, i) => alert(i));

    const result = await sink().publish(alerts);

    expect(result.delivered).toEqual(alerts.map((a) => a.id));
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
    expect([0, 1, 2].map((c) => entriesOf(c).length)).toEqual([10, 10, 3]);
    expect(entriesOf(1).map((e) => e.Id)).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
      'm6',
      'm7',
      'm8',
      'm9',
    ]);
  });

  it('splits a batch at 256 KiB of payload', async () => {
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const big = (i: number) =>
      alert(i, { body: { subject: 's', message: 'x'.repeat(30 * 1024), reportKey: 'r' } });
    const alerts = Array.from({ length: 6 }, (_, i) => big(i));

    const result = await sink().publish(alerts);

    expect(result.delivered).toHaveLength(6);
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
    const sizes = [0, 1].map((c) => entriesOf(c).reduce((sum, e) => sum + sizeOf(e), 0));
    expect([entriesOf(0).length, entriesOf(1).length]).toEqual([4, 2]);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it('keeps a message under 256 KiB by replacing long arrays with a note pointing at the report', async () => {
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const failures = Array.from({ length: 5000 }, (_, i) => ({
      key: `drills/row/2026${i}.json`,
      remediation: 'missing',
    }));
    const huge = alert(1, {
      body: { subject: 's', rowId: 'row', failures, reportKey: 'reports/2026-11-25/v.json' },
    });

    expect((await sink().publish([huge])).delivered).toEqual([huge.id]);

    const [entry] = entriesOf(0);
    expect(sizeOf(entry as PublishBatchRequestEntry)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const body = JSON.parse((JSON.parse(entry?.Message ?? '{}') as { default: string }).default) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({
      rowId: 'row',
      failures: '5000 item(s) omitted to fit the SNS size limit; see reports/2026-11-25/v.json',
      omitted: ['failures'],
    });
  });

  it('retries entries that failed on the SNS side and delivers them', async () => {
    sns
      .on(PublishBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: 'm0', MessageId: 'a' }],
        Failed: [{ Id: 'm1', Code: 'InternalError', Message: 'try again', SenderFault: false }],
      })
      .callsFake(acceptAll);
    const alerts = [alert(1), alert(2)];

    const result = await sink().publish(alerts);

    expect(result).toEqual({ delivered: [alerts[0]?.id, alerts[1]?.id], failed: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
    expect(entriesOf(1)).toHaveLength(1);
    expect(entriesOf(1)[0]?.MessageAttributes?.rowId?.StringValue).toBe('incident-row-02');
    expect(slept).toEqual([200]);
  });

  it('reports entries that keep failing on the SNS side in failed, after the last attempt', async () => {
    sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
      Successful: [],
      Failed: (input.PublishBatchRequestEntries ?? []).map((e) => ({
        Id: e.Id,
        Code: 'InternalError',
        Message: 'Internal service error',
        SenderFault: false,
      })),
    }));
    const one = alert(1);

    const result = await sink(3).publish([one]);

    expect(result).toEqual({
      delivered: [],
      failed: [{ id: one.id, error: 'InternalError: Internal service error (after 3 attempts)' }],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
    expect(slept).toEqual([200, 400]);
  });

  it('does not retry an entry that SNS refused as the sender’s fault', async () => {
    sns.on(PublishBatchCommand).resolves({
      Successful: [],
      Failed: [
        { Id: 'm0', Code: 'InvalidParameter', Message: 'Invalid parameter: Subject', SenderFault: true },
      ],
    });
    const one = alert(1);

    expect(await sink().publish([one])).toEqual({
      delivered: [],
      failed: [{ id: one.id, error: 'InvalidParameter: Invalid parameter: Subject' }],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
    expect(slept).toEqual([]);
  });

  it('retries a throttled call with exponential backoff', async () => {
    const throttled = () =>
      new SNSServiceException({
        name: 'ThrottledException',
        message: 'Rate exceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
    sns.on(PublishBatchCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).callsFake(acceptAll);
    const one = alert(1);

    expect(await sink(5).publish([one])).toEqual({ delivered: [one.id], failed: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
    expect(slept).toEqual([200, 400]);
  });

  it('retries a call answered 5xx, and reports it failed when it never recovers', async () => {
    sns.on(PublishBatchCommand).rejects(
      new SNSServiceException({
        name: 'InternalFailure',
        message: 'Internal failure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      }),
    );
    const alerts = [alert(1), alert(2)];

    const result = await sink(2).publish(alerts);

    expect(result.delivered).toEqual([]);
    expect(result.failed).toEqual(
      alerts.map((a) => ({
        id: a.id,
        error: 'InternalFailure: Internal failure (HTTP 500) (after 2 attempts)',
      })),
    );
    expect(slept).toEqual([200]);
  });

  it('reports a call refused for good without retrying and without throwing', async () => {
    sns.on(PublishBatchCommand).rejects(
      new SNSServiceException({
        name: 'AuthorizationError',
        message: 'not authorized to perform: SNS:Publish',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const one = alert(1);

    expect(await sink().publish([one])).toEqual({
      delivered: [],
      failed: [
        { id: one.id, error: 'AuthorizationError: not authorized to perform: SNS:Publish (HTTP 403)' },
      ],
    });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
  });

  it('retries entries SNS did not acknowledge at all', async () => {
    sns.on(PublishBatchCommand).resolvesOnce({ Successful: [], Failed: [] }).callsFake(acceptAll);
    const one = alert(1);

    expect(await sink().publish([one])).toEqual({ delivered: [one.id], failed: [] });
    expect(sns).toHaveReceivedCommandTimes(PublishBatchCommand, 2);
  });

  it('backs off 200 ms, 400 ms, 800 ms, … up to 5 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => SnsAlertSink.backoff(n))).toEqual([
      200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });
});

describe('emailText', () => {
  it('lists scalar arrays inline and prints none for an empty list', () => {
    expect(emailText({ subject: 'S', roles: [], blockers: [], counts: { overdue: 1, compliant: 3 } })).toBe(
      [
        'S',
        '',
        'Roles:    none',
        'Blockers: none',
        'Counts:   overdue: 1, compliant: 3',
        '',
        `-- ${EMAIL_FOOTER}`,
        '',
      ].join('\n'),
    );
  });
});

describe('makeSnsClient', () => {
  it('makes 5 attempts per request and passes region, endpoint and profile to the SDK', async () => {
    const client = makeSnsClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:4566',
      profile: 'audit',
    });

    expect(await client.config.maxAttempts()).toBe(5);
    expect(await client.config.region()).toBe('eu-west-1');
    expect(client.config.profile).toBe('audit');
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
  });
});
