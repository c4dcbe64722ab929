/**
 * AWS SDK v3 clients for the S3 and SNS adapters, plus the small helpers they share: `s3://` URL parsing and
 * a one-line description of an SDK error. Region, endpoint and credentials follow the SDK's standard chain
 * (AWS_REGION, AWS_ENDPOINT_URL, AWS_PROFILE, ~/.aws, the Lambda role) unless passed explicitly.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';

export interface AwsClientOptions {
  /** @default - the SDK's chain: AWS_REGION, then the profile's region */
  readonly region?: string;
  /** A custom endpoint such as `http://127.0.0.1:4566` (an S3/SNS emulator); S3 then uses path-style addressing. */
  readonly endpoint?: string;
  /** A named profile of ~/.aws/config and ~/.aws/credentials. @default - AWS_PROFILE, then `default` */
  readonly profile?: string;
  /** Attempts per request, the first included (standard retry mode). @default 5 */
  readonly maxAttempts?: number;
}

/** Attempts per request (standard mode retries throttling, 5xx such as 503 SlowDown, timeouts and resets). */
export const AWS_MAX_ATTEMPTS = 5;

/** Socket timeouts: a hung connection is abandoned and retried rather than holding the run until its timeout. */
const REQUEST_HANDLER = { connectionTimeout: 5_000, requestTimeout: 60_000 } as const;

function commonConfig(options: AwsClientOptions): {
  maxAttempts: number;
  retryMode: string;
  requestHandler: typeof REQUEST_HANDLER;
  region?: string;
  endpoint?: string;
  profile?: string;
} {
  return {
    maxAttempts: options.maxAttempts ?? AWS_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: REQUEST_HANDLER,
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
}

/**
 * An S3 client with 5 attempts per request, path-style addressing when an endpoint is given, and checksums
 * only where an operation requires them (S3 emulators do not all implement the newer flexible checksums).
 */
export function makeS3Client(options: AwsClientOptions = {}): S3Client {
  return new S3Client({
    ...commonConfig(options),
    ...(options.endpoint ? { forcePathStyle: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An SNS client with 5 attempts per request. */
export function makeSnsClient(options: AwsClientOptions = {}): SNSClient {
  return new SNSClient(commonConfig(options));
}

// ---------------------------------------------------------------- s3:// URLs

export { parseS3Url } from './s3-url';
export type { S3Location } from './s3-url';

/** `s3://bucket/prefix` without the trailing slash, for messages and report headers. */
export function s3Location(bucket: string, prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed ? `s3://${bucket}/${trimmed}` : `s3://${bucket}`;
}

// ---------------------------------------------------------------- errors

/** What the adapters need to know about an SDK (or network) error. */
export interface AwsErrorInfo {
  /** The service's error code (`NoSuchKey`, `SlowDown`, `ThrottledException`) or the JS error name/code. */
  readonly name: string;
  readonly message: string;
  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

export function awsErrorInfo(error: unknown): AwsErrorInfo {
  const metadata = field(error, '$metadata');
  const status = field(metadata, 'httpStatusCode');
  const code = field(error, 'Code') ?? field(error, 'code');
  const name = field(error, 'name');
  const message = error instanceof Error ? error.message : String(error);
  return {
    name:
      typeof code === 'string' &&
      code !== '' &&
      (typeof name !== 'string' || name === 'Error' || name === 'Unknown')
        ? code
        : typeof name === 'string' && name !== ''
          ? name
          : 'Error',
    message: message.replace(/\s+/g, ' ').trim(),
    status: typeof status === 'number' ? status : undefined,
  };
}

/** One line: `NoSuchBucket: The specified bucket does not exist (HTTP 404)`. */
export function describeAwsError(error: unknown): string {
  const info = awsErrorInfo(error);
  const message =
    info.message && info.message !== info.name && info.message !== 'UnknownError' ? info.message : '';
  const status = info.status !== undefined ? ` (HTTP ${info.status})` : '';
  return `${info.name}${message ? `: ${message}` : ''}${status}`;
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'TokenProviderError']);
const REJECTED_CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
]);
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Why a bucket cannot be reached, in a few words: `bucket does not exist`, `access denied`, … */
export function unreachableReason(error: unknown): string {
  const info = awsErrorInfo(error);
  if (info.name === 'NoSuchBucket' || (info.status === 404 && info.name === 'NotFound'))
    return 'bucket does not exist';
  if (CREDENTIAL_ERRORS.has(info.name) || /could not load credentials/i.test(info.message))
    return 'no AWS credentials found';
  if (REJECTED_CREDENTIALS.has(info.name)) return 'the AWS credentials were rejected';
  if (info.name === 'AccessDenied' || info.name === 'Forbidden' || info.status === 403)
    return 'access denied';
  if (/region is missing/i.test(info.message)) return 'no AWS region configured (set AWS_REGION or --region)';
  if (
    info.name === 'PermanentRedirect' ||
    info.name === 'AuthorizationHeaderMalformed' ||
    info.status === 301
  )
    return 'the bucket is in another region';
  if (NETWORK_ERRORS.has(info.name) || NETWORK_ERRORS.has(String(field(error, 'code'))))
    return 'cannot connect to the endpoint';
  return 'cannot be reached';
}

const SELF_EXPLANATORY = new Set([
  'bucket does not exist',
  'no AWS credentials found',
  'the AWS credentials were rejected',
  'access denied',
  'the bucket is in another region',
]);

/**
 * `s3://bucket/prefix: bucket does not exist (NoSuchBucket)`: the location, why it cannot be reached, and the
 * error code (the whole SDK message where the code alone would not explain it).
 */
export function unreachableMessage(location: string, error: unknown): string {
  const reason = unreachableReason(error);
  const detail = SELF_EXPLANATORY.has(reason) ? awsErrorInfo(error).name : describeAwsError(error);
  return `${location}: ${reason} (${detail})`;
}

/** Throttling, 429 and 5xx answers, timeouts and dropped connections: worth another attempt. */
export function isTransient(error: unknown): boolean {
  const info = awsErrorInfo(error);
  if (/throttl/i.test(info.name) || info.name === 'SlowDown' || info.name === 'TooManyRequestsException')
    return true;
  if (info.status !== undefined) return info.status === 429 || info.status >= 500;
  return NETWORK_ERRORS.has(info.name) || NETWORK_ERRORS.has(String(field(error, 'code')));
}
