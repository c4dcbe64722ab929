import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A `<cdk-nag rule>[<finding>]` id acknowledged by the construct, with its reason. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** Acknowledges cdk-nag findings on `scope` (and the resources below it), each with its reason. */
export function acknowledge(scope: IConstruct, acknowledgements: readonly Acknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements);
}

/** A token (e.g. an ARN) as cdk-nag writes it in a finding id, resolved in the stack of `scope`. */
export function nagName(scope: IConstruct, value: string): string {
  return flattenReference(Stack.of(scope).resolve(value));
}

/**
 * Flattens a resolved CloudFormation value the way cdk-nag names its findings
 * (`{ 'Fn::GetAtt': ['Bucket', 'Arn'] }` → `<Bucket.Arn>`, `Fn::Join` concatenated, `Ref` → `<Name>`).
 */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenReference(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const [resource, attribute] = getAtt as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenReference(node['Fn::ImportValue']);
    if (node['Ref'] !== undefined) return `<${flattenReference(node['Ref'])}>`;
  }
  return JSON.stringify(value);
}
