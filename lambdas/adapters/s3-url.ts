/**
 * `s3://bucket[/prefix]` URLs: parsed with zod, without loading the AWS SDK (the CLI validates `--store` and
 * `--out` with it before deciding whether the SDK is needed at all).
 */
import * as z from 'zod';
import { S3_BUCKET_NAME } from '../constants';

export interface S3Location {
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly prefix: string;
}

const EXPECTED = 'expected s3://bucket[/prefix]';

const S3UrlSchema = z
  .string()
  .regex(/^s3:\/\//, { error: EXPECTED })
  .transform((url) => {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const path = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+/, '');
    return { bucket, prefix: path === '' || path.endsWith('/') ? path : `${path}/` };
  })
  .refine((location) => location.bucket !== '', { error: `no bucket name (${EXPECTED})`, abort: true })
  .refine((location) => S3_BUCKET_NAME.test(location.bucket), {
    error: 'the bucket name must be 3-63 lowercase letters, digits, dots or hyphens',
  });

/** Parses `s3://bucket[/prefix]`; the prefix comes back as '' or ending in '/'. Throws a one-line Error. */
export function parseS3Url(url: string): S3Location {
  const parsed = S3UrlSchema.safeParse(url);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`invalid S3 URL ${JSON.stringify(url)}: ${issue?.message ?? EXPECTED}`);
}
