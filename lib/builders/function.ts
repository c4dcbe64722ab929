import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Acknowledgement } from '../cdk-nag';
import { acknowledge } from '../cdk-nag';
import { READINESS_MONITOR_DEFAULTS } from '../readiness-monitor-props';
import type { ResolvedConfig } from '../resolve-config';
import { functionEnvironment } from './function-environment';
import { grantFunctionPermissions } from './function-permissions';
import type { Storage } from './storage';
import type { Topics } from './topics';

export const HANDLERS_DIR = path.join(__dirname, '..', '..', 'lambdas', 'handlers');

export const PINNED_RUNTIME_REASON =
  'the runtime is pinned to nodejs22.x, the Node version the handler and its bundled AWS SDK are built (esbuild target node22) and tested for; a newer runtime is a deliberate, tested upgrade';

/** Both functions run on the pinned runtime. */
const PINNED_RUNTIME_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  { id: 'AwsSolutions-L1', reason: PINNED_RUNTIME_REASON },
  { id: 'Serverless-LambdaLatestVersion', reason: PINNED_RUNTIME_REASON },
];

export interface FunctionInputs {
  readonly config: ResolvedConfig;
  readonly storage: Storage;
  readonly topics: Topics;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface DailyCheckFunction {
  readonly fn: lambdaNodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/** What a function of the monitor is built from: the same code, environment and grants for each. */
export type MonitorFunctionSources = Omit<FunctionInputs, 'deadLetterQueue'>;

/** What sets one function of the monitor apart from the other. */
export interface MonitorFunctionSpec {
  /** Construct ids of the function and of its own log group and role. */
  readonly ids: { readonly fn: string; readonly logGroup: string; readonly role: string };
  readonly description: string;
  readonly roleDescription: string;
  /** How the function is invoked: retries and destination, or reserved concurrency. */
  readonly invocation: Partial<lambdaNodejs.NodejsFunctionProps>;
  /** cdk-nag findings acknowledged after the pinned runtime's. */
  readonly acknowledgements: readonly Acknowledgement[];
}

/**
 * A function running the daily-check handler with its own log group and least-privilege role (created in that
 * order: log group, role and its statements, function), the handler's environment and bundling.
 */
export function buildMonitorFunction(
  scope: Construct,
  { config, storage, topics }: MonitorFunctionSources,
  spec: MonitorFunctionSpec,
): DailyCheckFunction {
  const logGroup = new logs.LogGroup(scope, spec.ids.logGroup, {
    retention: config.logRetention,
    removalPolicy: config.removalPolicy,
  });
  const role = new iam.Role(scope, spec.ids.role, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: spec.roleDescription,
  });
  grantFunctionPermissions(role, {
    logGroup,
    bucket: storage.evidenceBucket,
    ...(storage.bucketKey ? { bucketKey: storage.bucketKey } : {}),
    bucketAccess: config.bucketAccess,
    alertTopic: topics.alertTopic,
  });
  const fn = new lambdaNodejs.NodejsFunction(scope, spec.ids.fn, {
    description: spec.description,
    entry: path.join(HANDLERS_DIR, 'daily-check.ts'),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: config.memorySize,
    timeout: config.timeout,
    role,
    logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    tracing: lambda.Tracing.ACTIVE,
    ...spec.invocation,
    environment: functionEnvironment({
      config,
      bucket: storage.evidenceBucket,
      alertTopic: topics.alertTopic,
    }),
    bundling: bundlingOptions(),
  });
  acknowledge(fn, [...PINNED_RUNTIME_ACKNOWLEDGEMENTS, ...spec.acknowledgements]);
  return { fn, role, logGroup };
}

/** The daily-check function (`DailyCheck`) with its own log group (`LogGroup`) and least-privilege role (`FunctionRole`). */
export function buildFunction(scope: Construct, inputs: FunctionInputs): DailyCheckFunction {
  return buildMonitorFunction(scope, inputs, {
    ids: { fn: 'DailyCheck', logGroup: 'LogGroup', role: 'FunctionRole' },
    description: 'USR readiness monitor: evaluates drill evidence, writes reports, publishes alerts',
    roleDescription: 'USR readiness monitor daily-check function',
    invocation: {
      retryAttempts: READINESS_MONITOR_DEFAULTS.lambdaRetryAttempts,
      maxEventAge: Duration.hours(READINESS_MONITOR_DEFAULTS.lambdaMaxEventAgeHours),
      onFailure: new lambdaDestinations.SqsDestination(inputs.deadLetterQueue),
    },
    acknowledgements: [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'failed asynchronous invocations go to the on-failure destination (the dead-letter queue), which records the error and request context; a legacy DeadLetterConfig would duplicate it',
      },
    ],
  });
}

export function bundlingOptions(): lambdaNodejs.BundlingOptions {
  return {
    forceDockerBundling: false,
    minify: true,
    sourceMap: true,
    target: 'node22',
    mainFields: ['module', 'main'],
    bundleAwsSDK: true,
    // Lambda puts the role's credentials in the environment: only the env link of the SDK's credential chain
    // is bundled (SSO, STS, INI and IMDS providers would add ~120 KB to a bundle that must stay under 600 KB).
    esbuildArgs: {
      '--alias:@aws-sdk/credential-provider-node': path.join(HANDLERS_DIR, 'lambda-credentials.ts'),
    },
  };
}
