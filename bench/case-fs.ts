/** Child entry of a directory-store case (bundled by `run.ts`; see `case-runner.ts`). */
import { FsEvidenceStore, FsReportSink } from '../lambdas/adapters/fs-store';
import type { FsCaseInput } from './case-runner';
import { finish, measureRun, readInput } from './case-runner';
import { CountingEvidenceStore, CountingReportSink, RequestCounter } from './counting';

const input = readInput<FsCaseInput>();
const counter = new RequestCounter();
finish(
  measureRun(
    input,
    new CountingEvidenceStore(new FsEvidenceStore(input.root), counter),
    new CountingReportSink(new FsReportSink(input.out), counter),
    counter,
  ),
);
