/**
 * Child entry of an S3 case (bundled by `run.ts`; see `case-runner.ts`): the production client
 * (`makeS3Client`) and adapters, against the emulator the parent serves on loopback.
 */
import { makeS3Client } from '../lambdas/adapters/aws-clients';
import { S3EvidenceStore, S3ReportSink } from '../lambdas/adapters/s3-store';
import type { S3CaseInput } from './case-runner';
import { finish, measureRun, readInput } from './case-runner';
import { RequestCounter, countS3Requests } from './counting';

const input = readInput<S3CaseInput>();
const counter = new RequestCounter();
const client = makeS3Client({ region: input.region, endpoint: input.endpoint });
countS3Requests(client, counter);
finish(
  measureRun(
    input,
    new S3EvidenceStore({ client, bucket: input.bucket, prefix: '', concurrency: input.concurrency }),
    new S3ReportSink({ client, bucket: input.bucket, prefix: '' }),
    counter,
  ),
);
