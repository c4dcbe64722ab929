/**
 * `npx tsx bench/json-dup-keys.ts`: the cost of finding repeated keys when decoding a document. Builds a policy of
 * just under 5 MiB (the largest document the monitor reads), then times, as the median of several runs:
 * JSON.parse alone, the duplicate-key scan alone, and decodeJson (UTF-8 + JSON.parse + scan). Also times the scan
 * on a quarter and a half of the document (linear: the time per MB stays flat), on 100,000 nested arrays and on a
 * 5 MiB document where every object repeats a key. Prints one JSON line.
 */
import { MAX_DOCUMENT_BYTES } from '../lambdas/constants';
import { decodeJson, findDuplicateKeys } from '../lambdas/core/json-input';

const RUNS = 15;
const MIB = 1024 * 1024;

function row(index: number): Record<string, unknown> {
  return {
    id: `row-${String(index).padStart(5, '0')}`,
    phase: index % 2 === 0 ? 'incident' : 'cutover',
    runbookId: `rb-${index % 40}`,
    severityClass: 'sev2',
    requiredRoles: ['incident-commander', 'comms-lead', 'scribe'],
    requiredArtifacts: ['timeline', 'postmortem'],
    communicationChannels: ['#inc-bridge', '#status'],
    maxResponseMinutes: 15,
    maxRecoveryMinutes: 60,
    blocking: index % 3 !== 0,
  };
}

/** A pretty-printed policy of as many rows as fit in `maxBytes`. */
function policyText(maxBytes: number): string {
  const runbooks = Object.fromEntries(
    Array.from({ length: 40 }, (_, i) => [`rb-${i}`, { version: '1.0.0' }]),
  );
  const one = JSON.stringify(row(0), null, 2).length + 2;
  let rows = Math.floor((maxBytes - 4096) / one);
  for (;;) {
    const rowList = Array.from({ length: rows }, (_, i) => row(i));
    const doc = { schemaVersion: 'usr-operational-readiness-policy/v1', runbooks, rows: rowList };
    const text = JSON.stringify(doc, null, 2);
    if (Buffer.byteLength(text) <= maxBytes) return text;
    rows -= 100;
  }
}

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? NaN;
}

const round = (n: number): number => Math.round(n * 100) / 100;
const mbPerSecond = (bytes: number, ms: number): number => round(bytes / MIB / (ms / 1000));

const text = policyText(MAX_DOCUMENT_BYTES);
const bytes = new TextEncoder().encode(text);
const parseMs = median(() => JSON.parse(text));
const scanMs = median(() => findDuplicateKeys(text));
const decodeMs = median(() => decodeJson(bytes));

const bySize = [0.25, 0.5, 1].map((part) => {
  const partText = policyText(Math.floor(MAX_DOCUMENT_BYTES * part));
  const ms = median(() => findDuplicateKeys(partText));
  return { bytes: partText.length, ms: round(ms), mbPerSecond: mbPerSecond(partText.length, ms) };
});

const depth = 100_000;
const deep = `${'['.repeat(depth)}{"a":1,"a":2}${']'.repeat(depth)}`;
const deepArraysMs = median(() => findDuplicateKeys(deep));

const manyDuplicates = `[${Array.from({ length: Math.floor(MAX_DOCUMENT_BYTES / 16) }, () => '{"a":1,"a":2}').join(',')}]`;
const manyDuplicatesMs = median(() => decodeJson(new TextEncoder().encode(manyDuplicates)));

process.stdout.write(
  `${JSON.stringify({
    bench: 'json-dup-keys',
    node: process.version,
    bytes: bytes.byteLength,
    parseMs: round(parseMs),
    scanMs: round(scanMs),
    decodeMs: round(decodeMs),
    parseMBps: mbPerSecond(bytes.byteLength, parseMs),
    scanMBps: mbPerSecond(bytes.byteLength, scanMs),
    decodeMBps: mbPerSecond(bytes.byteLength, decodeMs),
    scanBySize: bySize,
    deepArrays: { depth, ms: round(deepArraysMs) },
    everyObjectRepeatsAKey: {
      bytes: manyDuplicates.length,
      decodeMs: round(manyDuplicatesMs),
      decodeMBps: mbPerSecond(manyDuplicates.length, manyDuplicatesMs),
    },
  })}\n`,
);
