// Placeholder: replaced by the real handler (issue 3). Kept tiny so the CDK bundling test has an entry.
export const handler = async (): Promise<{ ok: boolean }> => Promise.resolve({ ok: true });
