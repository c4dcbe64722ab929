import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ReadinessMonitor } from '../../lib/readiness-monitor';
import type { ReadinessMonitorProps } from '../../lib/readiness-monitor';

export const REPO_ROOT = path.join(__dirname, '..', '..');

interface CdkJson {
  readonly app: string;
  readonly context: Record<string, unknown>;
}

/** cdk.json as the CLI reads it: tests build their apps with the same feature flags as `cdk synth`. */
export const CDK_JSON = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as CdkJson;

/** An app with the project's feature flags; esbuild bundling is skipped unless `bundle` is set. */
export function newApp(context: Record<string, unknown> = {}, options: { bundle?: boolean } = {}): App {
  return new App({
    context: {
      ...CDK_JSON.context,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
}

export interface MonitorFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly monitor: ReadinessMonitor;
  readonly template: Template;
}

/** One `ReadinessMonitor` in its own stack; `extra` may add imported resources to the stack first. */
export function monitorFixture(
  build: (stack: Stack) => ReadinessMonitorProps = () => ({}),
  context: Record<string, unknown> = {},
): MonitorFixture {
  const app = newApp(context);
  const stack = new Stack(app, 'TestStack');
  const monitor = new ReadinessMonitor(stack, 'Monitor', build(stack));
  return { app, stack, monitor, template: Template.fromStack(stack) };
}

/** `{ Ref: <logical id> }` of a construct's CloudFormation resource. */
export function ref(construct: IConstruct): { Ref: string } {
  return { Ref: logicalId(construct) };
}

/** `{ 'Fn::GetAtt': [<logical id>, attribute] }` of a construct's CloudFormation resource. */
export function getAtt(construct: IConstruct, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId(construct), attribute] };
}

/** `arn-of(construct) + suffix` as CloudFormation writes it. */
export function arnJoin(construct: IConstruct, suffix: string): unknown {
  return { 'Fn::Join': ['', [getAtt(construct, 'Arn'), suffix]] };
}

export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** Runs `fn`, expects it to throw an `Error`, and returns the message. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected an error, nothing was thrown');
}

/** Messages start lowercase (they read as the tail of "cannot deploy: …"). */
export function expectLowercaseStart(message: string): void {
  const first = message.charAt(0);
  expect(first).toBe(first.toLowerCase());
  expect(first).toMatch(/[a-z]/);
}
