import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { makeS3Client, parseS3Url } from '../../lambdas/adapters/aws-clients';
import { S3EvidenceStore } from '../../lambdas/adapters/s3-store';

describe('parseS3Url', () => {
  it.each([
    ['s3://evidence', { bucket: 'evidence', prefix: '' }],
    ['s3://evidence/', { bucket: 'evidence', prefix: '' }],
    ['s3://evidence/usr', { bucket: 'evidence', prefix: 'usr/' }],
    ['s3://evidence/usr/', { bucket: 'evidence', prefix: 'usr/' }],
    ['s3://evidence/teams/usr', { bucket: 'evidence', prefix: 'teams/usr/' }],
    ['s3://my.evidence-1//usr', { bucket: 'my.evidence-1', prefix: 'usr/' }],
  ])('parses %s', (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  it('refuses something that is not an s3:// URL with a one-line message', () => {
    expect(() => parseS3Url('https://evidence/usr')).toThrow(
      'invalid S3 URL "https://evidence/usr": expected s3://bucket[/prefix]',
    );
    expect(() => parseS3Url('s3://')).toThrow('expected s3://bucket[/prefix]');
  });

  it('refuses a bucket name S3 would not accept', () => {
    expect(() => parseS3Url('s3://Evidence_Bucket/usr')).toThrow(
      'invalid S3 URL "s3://Evidence_Bucket/usr": the bucket name must be 3-63 lowercase letters, digits, dots or hyphens',
    );
  });
});

describe('makeS3Client', () => {
  it('makes 5 attempts per request and computes checksums only when required', async () => {
    const client = makeS3Client({ region: 'eu-west-1' });

    expect(await client.config.maxAttempts()).toBe(5);
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await client.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    expect(client.config.forcePathStyle).toBeFalsy();
  });

  it('uses path-style addressing when an endpoint is given', () => {
    expect(
      makeS3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' }).config.forcePathStyle,
    ).toBe(true);
  });

  it('passes a named profile to the SDK', () => {
    expect(makeS3Client({ region: 'us-east-1', profile: 'audit' }).config.profile).toBe('audit');
  });
});

describe('makeS3Client against an endpoint on loopback', () => {
  interface Seen {
    readonly method: string | undefined;
    readonly url: string | undefined;
    readonly headers: http.IncomingHttpHeaders;
  }
  const seen: Seen[] = [];
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end();
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    req.on('end', () => answer(req, res));
  });
  const saved = { ...process.env };
  let endpoint = '';

  const xmlError =
    (status: number, code: string, message: string) => (_req: unknown, res: http.ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
      );
    };

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('addresses the bucket path-style with dummy credentials', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>evidence</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>',
      );
    };
    const store = new S3EvidenceStore({
      client: makeS3Client({ region: 'us-east-1', endpoint }),
      bucket: 'evidence',
      prefix: 'usr/',
    });

    await store.checkReachable();

    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('/evidence/?list-type=2&max-keys=1&prefix=usr%2Fdrills%2F');
    expect(seen[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
  });

  it('sends no flexible checksum with a PutObject', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { etag: '"e"' });
      res.end();
    };

    await makeS3Client({ region: 'us-east-1', endpoint }).send(
      new PutObjectCommand({
        Bucket: 'evidence',
        Key: 'usr/reports/x.json',
        Body: '{}',
        ContentType: 'application/json',
      }),
    );

    expect(seen[0]?.url).toBe('/evidence/usr/reports/x.json?x-id=PutObject');
    expect(Object.keys(seen[0]?.headers ?? {}).filter((h) => h.startsWith('x-amz-checksum-'))).toEqual([]);
  });

  it('retries a 500 InternalError 5 times, then the store reports an error result', async () => {
    answer = xmlError(500, 'InternalError', 'We encountered an internal error.');
    const store = new S3EvidenceStore({
      client: makeS3Client({ region: 'us-east-1', endpoint }),
      bucket: 'evidence',
      prefix: '',
    });

    const read = await store.read('drills/row-a/x.json', 1024);

    expect(seen).toHaveLength(5);
    expect(read).toEqual({
      kind: 'error',
      key: 'drills/row-a/x.json',
      message: 'InternalError: We encountered an internal error. (HTTP 500)',
    });
  });

  it('turns a 503 SlowDown answer into an error result (one attempt)', async () => {
    answer = xmlError(503, 'SlowDown', 'Please reduce your request rate.');
    const client = makeS3Client({ region: 'us-east-1', endpoint, maxAttempts: 1 });
    const store = new S3EvidenceStore({ client, bucket: 'evidence', prefix: '' });

    const read = await store.read('drills/row-a/x.json', 1024);

    expect(seen).toHaveLength(1);
    expect(read).toEqual({
      kind: 'error',
      key: 'drills/row-a/x.json',
      message: 'SlowDown: Please reduce your request rate. (HTTP 503)',
    });
  });

  it('reports a missing bucket from the wire answer', async () => {
    answer = xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist');
    const store = new S3EvidenceStore({
      client: makeS3Client({ region: 'us-east-1', endpoint, maxAttempts: 1 }),
      bucket: 'evidence',
      prefix: 'usr/',
    });

    await expect(store.checkReachable()).rejects.toThrow(
      's3://evidence/usr: bucket does not exist (NoSuchBucket)',
    );
  });

  it('reports a missing key from the wire answer', async () => {
    answer = xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    const store = new S3EvidenceStore({
      client: makeS3Client({ region: 'us-east-1', endpoint, maxAttempts: 1 }),
      bucket: 'evidence',
      prefix: '',
    });

    expect(await store.read('schedule/cutover-windows.json', 1024)).toEqual({
      kind: 'missing',
      key: 'schedule/cutover-windows.json',
    });
  });
});
