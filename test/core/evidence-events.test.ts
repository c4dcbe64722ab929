import {
  InvalidBatchError,
  S3ObjectEventSchema,
  changeTrigger,
  decodedKey,
  earliestChange,
  isSqsBatch,
  parseBatch,
  reportedTrigger,
  runTrigger,
  sendsDailyAlerts,
  storeKey,
} from '../../lambdas/core/evidence-events';
import { objectCreated, objectDeleted, sqsBatch, sqsRecord } from '../fixtures/s3-events';

const BUCKET = 'usr-evidence';
const SCOPE = { bucket: BUCKET, evidencePrefix: 'usr/' };
const TIME = '2026-11-25T07:00:00Z';
const DRILL = 'usr/drills/incident-a/20261125T065500Z-rerun.json';

/** The example of the S3 User Guide ("Object created"), verbatim apart from the bucket and key. */
const DOCUMENTED_CREATED = {
  version: '0',
  id: '17793124-05d4-b198-2fde-7ededc63b103',
  'detail-type': 'Object Created',
  source: 'aws.s3',
  account: '111122223333',
  time: '2021-11-12T00:00:00Z',
  region: 'ca-central-1',
  resources: [`arn:aws:s3:::${BUCKET}`],
  detail: {
    version: '0',
    bucket: { name: BUCKET },
    object: {
      key: DRILL,
      size: 5,
      etag: 'b1946ac92492d2347c6235b4d2611184',
      'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
      sequencer: '617f08299329d189',
    },
    'request-id': 'N4N7GDK58NMKJ12R',
    requester: '123456789012',
    'source-ip-address': '1.2.3.4',
    reason: 'PutObject',
  },
};

/** The lifecycle-expiration example: no source IP address, S3 itself as the requester. */
const DOCUMENTED_EXPIRED = {
  version: '0',
  id: 'ad1de317-e409-eba2-9552-30113f8d88e3',
  'detail-type': 'Object Deleted',
  source: 'aws.s3',
  account: '111122223333',
  time: '2021-11-12T00:00:00Z',
  region: 'ca-central-1',
  resources: [`arn:aws:s3:::${BUCKET}`],
  detail: {
    version: '0',
    bucket: { name: BUCKET },
    object: {
      key: 'usr/policy/usr-operational-readiness-policy.json',
      etag: 'd41d8cd98f00b204e9800998ecf8427e',
      'version-id': 'mtB0cV.jejK63XkRNceanNMC.qXPWLeK',
      sequencer: '617b398000000000',
    },
    'request-id': '20EB74C14654DC47',
    requester: 's3.amazonaws.com',
    reason: 'Lifecycle Expiration',
    'deletion-type': 'Delete Marker Created',
  },
};

describe('S3ObjectEventSchema', () => {
  it('accepts the documented Object Created and lifecycle Object Deleted examples', () => {
    expect(S3ObjectEventSchema.safeParse(DOCUMENTED_CREATED).success).toBe(true);
    expect(S3ObjectEventSchema.safeParse(DOCUMENTED_EXPIRED).success).toBe(true);
  });

  it('accepts fields AWS adds later (event-version, aws-generated-tags) without naming them', () => {
    const later = {
      ...DOCUMENTED_CREATED,
      detail: {
        ...DOCUMENTED_CREATED.detail,
        'event-version': '1.1',
        bucket: { name: BUCKET, 'aws-generated-tags': { 'aws:cloudformation:logical-id': 'Bucket' } },
      },
    };
    expect(S3ObjectEventSchema.safeParse(later).success).toBe(true);
  });

  it('refuses other S3 events and an Object Created event without its size', () => {
    expect(
      S3ObjectEventSchema.safeParse({ ...DOCUMENTED_CREATED, 'detail-type': 'Object Restore Completed' })
        .success,
    ).toBe(false);
    const object: Record<string, unknown> = { ...DOCUMENTED_CREATED.detail.object };
    delete object.size;
    expect(
      S3ObjectEventSchema.safeParse({
        ...DOCUMENTED_CREATED,
        detail: { ...DOCUMENTED_CREATED.detail, object },
      }).success,
    ).toBe(false);
  });
});

describe('parseBatch', () => {
  it('reads a created drill as a change of its key relative to the store, at the event time', () => {
    const batch = sqsBatch([objectCreated(BUCKET, DRILL, { time: TIME })]);
    expect(parseBatch(batch, SCOPE)).toEqual({
      changes: [
        {
          messageId: batch.Records[0]?.messageId,
          change: 'created',
          key: 'drills/incident-a/20261125T065500Z-rerun.json',
          at: Date.parse(TIME),
        },
      ],
      failures: [],
      ignored: [],
    });
  });

  it('reads a deleted policy (lifecycle expiration) and a deleted drill (delete marker) as deletions', () => {
    const batch = sqsBatch([DOCUMENTED_EXPIRED, objectDeleted(BUCKET, DRILL, { time: TIME })]);
    expect(parseBatch(batch, SCOPE).changes).toEqual([
      expect.objectContaining({ change: 'deleted', key: 'policy/usr-operational-readiness-policy.json' }),
      expect.objectContaining({ change: 'deleted', key: 'drills/incident-a/20261125T065500Z-rerun.json' }),
    ]);
  });

  it('reports each malformed record by its message id and still parses the others', () => {
    const good = objectCreated(BUCKET, DRILL, { time: TIME });
    const batch = sqsBatch([
      'not json',
      good,
      { ...good, detail: { ...(good.detail as Record<string, unknown>), object: { size: 1 } } },
      { hello: 'world' },
    ]);
    const parsed = parseBatch(batch, SCOPE);
    expect(parsed.changes.map((c) => c.messageId)).toEqual([batch.Records[1]?.messageId]);
    expect(parsed.failures.map((f) => f.messageId)).toEqual([
      batch.Records[0]?.messageId,
      batch.Records[2]?.messageId,
      batch.Records[3]?.messageId,
    ]);
    expect(parsed.failures[0]?.reason).toMatch(/^body: not valid JSON/);
    expect(parsed.failures[1]?.reason).toContain('detail.object.key');
  });

  it('reports a record that is not in the SQS shape (wrong eventSource, missing attributes)', () => {
    const record = sqsRecord(objectCreated(BUCKET, DRILL, { time: TIME }), 1);
    const noAttributes: Record<string, unknown> = { ...record };
    delete noAttributes.attributes;
    const parsed = parseBatch(
      {
        Records: [
          { ...record, eventSource: 'aws:kinesis' },
          { ...noAttributes, messageId: 'second' },
        ],
      },
      SCOPE,
    );
    expect(parsed.failures).toEqual([
      { messageId: record.messageId, reason: expect.stringContaining('eventSource') as string },
      { messageId: 'second', reason: expect.stringContaining('attributes') as string },
    ]);
  });

  it('acknowledges events of another bucket and keys that are not evidence without evaluating them', () => {
    const batch = sqsBatch([
      objectCreated('another-bucket', DRILL, { time: TIME }),
      objectCreated(BUCKET, 'usr/reports/latest/usr-operational-readiness-validation.json', { time: TIME }),
      objectCreated(BUCKET, 'other/drills/incident-a/x.json', { time: TIME }),
    ]);
    const parsed = parseBatch(batch, SCOPE);
    expect(parsed.changes).toEqual([]);
    expect(parsed.failures).toEqual([]);
    expect(parsed.ignored.map((i) => i.reason)).toEqual([
      'bucket another-bucket is not the evidence bucket usr-evidence',
      'usr/reports/latest/usr-operational-readiness-validation.json is not evidence (policy/, schedule/, drills/)',
      'other/drills/incident-a/x.json is not evidence (policy/, schedule/, drills/)',
    ]);
  });

  it('refuses a batch whose records cannot be told apart (no messageId): the whole batch is retried', () => {
    expect(() => parseBatch({ Records: [{ body: '{}' }] }, SCOPE)).toThrow(InvalidBatchError);
    expect(() => parseBatch({ Records: [] }, SCOPE)).toThrow(/invalid SQS batch: Records/);
  });
});

describe('isSqsBatch', () => {
  it('tells an SQS batch from the scheduler and manual payloads', () => {
    expect(isSqsBatch(sqsBatch([]))).toBe(true);
    expect(isSqsBatch({ scheduledTime: TIME })).toBe(false);
    expect(isSqsBatch({ now: TIME })).toBe(false);
    expect(isSqsBatch(undefined)).toBe(false);
    expect(isSqsBatch(null)).toBe(false);
  });
});

describe('storeKey', () => {
  it('keeps the input folders under the evidence prefix and nothing the monitor writes', () => {
    expect(storeKey('usr/drills/a/x.json', 'usr/')).toBe('drills/a/x.json');
    expect(storeKey('usr/policy/p.json', 'usr/')).toBe('policy/p.json');
    expect(storeKey('usr/schedule/s.json', 'usr/')).toBe('schedule/s.json');
    for (const own of ['usr/reports/latest/x.json', 'usr/history/2026.jsonl', 'usr/state/alert-ledger.json'])
      expect(storeKey(own, 'usr/')).toBeNull();
    expect(storeKey('drills/a/x.json', 'usr/')).toBeNull();
    expect(storeKey('drills-archive/a/x.json', '')).toBeNull();
  });
});

describe('changeTrigger', () => {
  it('counts every event and lists each key once, sorted; created keys apart', () => {
    const at = Date.parse(TIME);
    const trigger = changeTrigger([
      { messageId: '1', change: 'created', key: 'drills/b/2.json', at },
      { messageId: '2', change: 'created', key: 'drills/a/1.json', at: at - 5000 },
      { messageId: '3', change: 'deleted', key: 'drills/b/2.json', at },
      { messageId: '4', change: 'deleted', key: 'policy/p.json', at },
    ]);
    expect(trigger).toEqual({
      kind: 'evidence-change',
      count: 4,
      keys: ['drills/a/1.json', 'drills/b/2.json', 'policy/p.json'],
      created: ['drills/a/1.json', 'drills/b/2.json'],
    });
  });

  it('records at most the first 100 keys in the report, and every event in the count', () => {
    const at = Date.parse(TIME);
    const changes = Array.from({ length: 150 }, (_, i) => ({
      messageId: String(i),
      change: 'created' as const,
      key: `drills/a/${String(i).padStart(3, '0')}.json`,
      at,
    }));
    const reported = reportedTrigger(changeTrigger(changes));
    expect(reported.count).toBe(150);
    expect(reported.keys).toHaveLength(100);
    expect(reported.keys[99]).toBe('drills/a/099.json');
  });

  it('gives the earliest event time of a batch, and none for an empty one', () => {
    const at = Date.parse(TIME);
    expect(
      earliestChange([
        { messageId: '1', change: 'created', key: 'k', at },
        { messageId: '2', change: 'created', key: 'k', at: at - 60_000 },
      ]),
    ).toBe(at - 60_000);
    expect(earliestChange([])).toBeNull();
  });
});

describe('sendsDailyAlerts', () => {
  it('is true for the scheduled and manual runs, false for a run started by evidence', () => {
    expect(sendsDailyAlerts(runTrigger('schedule'))).toBe(true);
    expect(sendsDailyAlerts(runTrigger('manual'))).toBe(true);
    expect(sendsDailyAlerts(changeTrigger([]))).toBe(false);
  });
});

describe('decodedKey', () => {
  it('decodes a form-encoded key and leaves a plain one alone', () => {
    expect(decodedKey('drills/a/red+flower%2B1.json')).toBe('drills/a/red flower+1.json');
    expect(decodedKey('drills/a/20261125T065500Z-x.json')).toBeNull();
    expect(decodedKey('drills/a/%E0%A4%A.json')).toBeNull();
  });
});
