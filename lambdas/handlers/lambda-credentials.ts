/**
 * The credential chain of the Lambda bundle. In Lambda the execution role's credentials are always in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first link of the SDK's default
 * chain; the rest of that chain (SSO, STS, INI files, IMDS and their nested clients, about 120 KB) is dead weight
 * there. The CDK bundling aliases `@aws-sdk/credential-provider-node` to this module for the function only; the
 * CLI keeps the full chain (profiles, SSO, web identity).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (_init?: unknown): ReturnType<typeof fromEnv> => fromEnv();
