import type * as DailyCheckModule from '../../lambdas/handlers/daily-check';
import { loadConfig } from '../../lambdas/handlers/config';

describe('loadConfig', () => {
  it('applies the defaults when only EVIDENCE_BUCKET is set', () => {
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence' })).toEqual({
      evidenceBucket: 'evidence',
      evidencePrefix: '',
      reportsBucket: 'evidence',
      reportsPrefix: '',
      policyKey: 'policy/usr-operational-readiness-policy.json',
      scheduleKey: 'schedule/cutover-windows.json',
      waiversKey: 'policy/waivers.json',
      alertTopicArn: null,
      cadenceDays: 30,
      warnDays: 7,
      concurrency: 16,
      maxWaiverDays: 30,
      metricsNamespace: 'UsrReadiness',
    });
  });

  it('reads every variable the stack sets', () => {
    expect(
      loadConfig({
        EVIDENCE_BUCKET: 'evidence',
        EVIDENCE_PREFIX: 'usr/',
        REPORTS_BUCKET: 'usr-reports',
        REPORTS_PREFIX: 'out/',
        POLICY_KEY: 'policy/p.json',
        SCHEDULE_KEY: 'schedule/s.json',
        WAIVERS_KEY: 'policy/w.json',
        ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:usr-alerts',
        CADENCE_DAYS: '14',
        WARN_DAYS: '0',
        CONCURRENCY: '4',
        MAX_WAIVER_DAYS: '14',
        POWERTOOLS_METRICS_NAMESPACE: 'Custom',
      }),
    ).toEqual({
      evidenceBucket: 'evidence',
      evidencePrefix: 'usr/',
      reportsBucket: 'usr-reports',
      reportsPrefix: 'out/',
      policyKey: 'policy/p.json',
      scheduleKey: 'schedule/s.json',
      waiversKey: 'policy/w.json',
      alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:usr-alerts',
      cadenceDays: 14,
      warnDays: 0,
      concurrency: 4,
      maxWaiverDays: 14,
      metricsNamespace: 'Custom',
    });
  });

  it('defaults REPORTS_PREFIX to EVIDENCE_PREFIX, and keeps an explicitly empty one', () => {
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence', EVIDENCE_PREFIX: 'usr' }).reportsPrefix).toBe('usr/');
    expect(
      loadConfig({ EVIDENCE_BUCKET: 'evidence', EVIDENCE_PREFIX: 'usr', REPORTS_PREFIX: '' }).reportsPrefix,
    ).toBe('');
  });

  it('defaults REPORTS_BUCKET to EVIDENCE_BUCKET and refuses a name that is not a bucket name', () => {
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence', REPORTS_BUCKET: '' }).reportsBucket).toBe('evidence');
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', REPORTS_BUCKET: 'Reports_Bucket' })).toThrow(
      'REPORTS_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got "Reports_Bucket"',
    );
  });

  it('normalises prefixes to end in one slash', () => {
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence', EVIDENCE_PREFIX: '/teams/usr' }).evidencePrefix).toBe(
      'teams/usr/',
    );
  });

  it('treats an empty ALERT_TOPIC_ARN as no alerting', () => {
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence', ALERT_TOPIC_ARN: '' }).alertTopicArn).toBeNull();
  });

  it('says EVIDENCE_BUCKET is required when it is missing', () => {
    expect(() => loadConfig({})).toThrow(
      new Error('invalid daily-check configuration: EVIDENCE_BUCKET is required'),
    );
  });

  it('says CADENCE_DAYS must be a positive integer, quoting the bad value', () => {
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', CADENCE_DAYS: 'abc' })).toThrow(
      new Error('invalid daily-check configuration: CADENCE_DAYS must be a positive integer, got "abc"'),
    );
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', CADENCE_DAYS: '0' })).toThrow(
      'CADENCE_DAYS must be a positive integer, got "0"',
    );
  });

  it('refuses a FIFO ALERT_TOPIC_ARN (the SNS publisher sends no MessageGroupId)', () => {
    expect(() =>
      loadConfig({
        EVIDENCE_BUCKET: 'evidence',
        ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:usr-alerts.fifo',
      }),
    ).toThrow(
      new Error(
        'invalid daily-check configuration: ALERT_TOPIC_ARN must be a standard (non-FIFO) SNS topic ARN, ' +
          'got "arn:aws:sns:eu-west-1:123456789012:usr-alerts.fifo"',
      ),
    );
  });

  it('caps CADENCE_DAYS and WARN_DAYS at 36500 (100 years), quoting the bad value', () => {
    expect(
      loadConfig({ EVIDENCE_BUCKET: 'evidence', CADENCE_DAYS: '36500', WARN_DAYS: '36500' }),
    ).toMatchObject({ cadenceDays: 36500, warnDays: 36500 });
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', CADENCE_DAYS: '200000000' })).toThrow(
      new Error('invalid daily-check configuration: CADENCE_DAYS must be at most 36500, got "200000000"'),
    );
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', WARN_DAYS: '36501' })).toThrow(
      new Error('invalid daily-check configuration: WARN_DAYS must be at most 36500, got "36501"'),
    );
    expect(() =>
      loadConfig({ EVIDENCE_BUCKET: 'evidence', CADENCE_DAYS: '99999999999999999999999', WARN_DAYS: '0' }),
    ).toThrow(
      new Error(
        'invalid daily-check configuration: CADENCE_DAYS must be at most 36500, got "99999999999999999999999"',
      ),
    );
  });

  it('lists every bad variable in one message', () => {
    expect(() =>
      loadConfig({ CADENCE_DAYS: '1.5', WARN_DAYS: '-1', CONCURRENCY: '1000', ALERT_TOPIC_ARN: 'my-topic' }),
    ).toThrow(
      new Error(
        'invalid daily-check configuration: EVIDENCE_BUCKET is required; ' +
          'ALERT_TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got "my-topic"; ' +
          'CADENCE_DAYS must be a positive integer, got "1.5"; ' +
          'WARN_DAYS must be a non-negative integer, got "-1"; ' +
          'CONCURRENCY must be at most 256, got "1000"',
      ),
    );
  });

  it('says MAX_WAIVER_DAYS must be a positive integer of at most 36500, quoting the bad value', () => {
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', MAX_WAIVER_DAYS: '0' })).toThrow(
      new Error('invalid daily-check configuration: MAX_WAIVER_DAYS must be a positive integer, got "0"'),
    );
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', MAX_WAIVER_DAYS: '36501' })).toThrow(
      new Error('invalid daily-check configuration: MAX_WAIVER_DAYS must be at most 36500, got "36501"'),
    );
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence', MAX_WAIVER_DAYS: '' }).maxWaiverDays).toBe(30);
  });

  it('treats an empty WAIVERS_KEY as the default key and refuses an absolute one', () => {
    expect(loadConfig({ EVIDENCE_BUCKET: 'evidence', WAIVERS_KEY: '' }).waiversKey).toBe(
      'policy/waivers.json',
    );
    expect(() => loadConfig({ EVIDENCE_BUCKET: 'evidence', WAIVERS_KEY: '/policy/w.json' })).toThrow(
      new Error(
        'invalid daily-check configuration: WAIVERS_KEY must be a relative key, got "/policy/w.json"',
      ),
    );
  });

  it('refuses a bucket name S3 would not accept', () => {
    expect(() => loadConfig({ EVIDENCE_BUCKET: 's3://evidence' })).toThrow(
      'EVIDENCE_BUCKET must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got "s3://evidence"',
    );
  });
});

describe('the daily-check module', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads its configuration once, when it loads, and refuses to load without EVIDENCE_BUCKET', () => {
    delete process.env.EVIDENCE_BUCKET;
    jest.isolateModules(() => {
      expect(() => jest.requireActual<typeof DailyCheckModule>('../../lambdas/handlers/daily-check')).toThrow(
        'invalid daily-check configuration: EVIDENCE_BUCKET is required',
      );
    });
  });

  it('loads with a valid environment and exports the handler', () => {
    process.env.EVIDENCE_BUCKET = 'evidence';
    process.env.AWS_REGION = 'eu-west-1';
    jest.isolateModules(() => {
      const module = jest.requireActual<typeof DailyCheckModule>('../../lambdas/handlers/daily-check');
      expect(typeof module.handler).toBe('function');
    });
  });
});
