/**
 * `usr-readiness gate` (docs/integrity.md): reads `reports/latest/` without evaluating anything. Tampered when latest/
 * does not match its manifest, or its manifest is not byte for byte the manifest of the day it names; stale when
 * its `asOf` is older than the maximum age; otherwise the validation report's decision.
 */
import { MAX_DOCUMENT_BYTES } from './constants';
import { sha256 } from './run-helpers';
import type { GateLimits, GateOutcome } from './core/gate';
import { judgeGate, readDecision, tampered } from './core/gate';
import { LATEST, MANIFEST_FILE, REPORTS_FOLDER, groupReportKeys, manifestKey } from './core/manifest';
import { VALIDATION_FILE } from './core/reports';
import { manifestOf, sealProblems } from './core/verify-chain';
import { observeFolder, readBytes } from './integrity-read';
import type { ReportSink } from './ports';

/** Nothing to gate on, or a decision that cannot be read: exit 2. */
export class GateError extends Error {
  override readonly name = 'GateError';
}

const LATEST_FOLDER = `${REPORTS_FOLDER}${LATEST}/`;

export async function runGate(reports: ReportSink, limits: GateLimits): Promise<GateOutcome> {
  const listed = await reports.list(LATEST_FOLDER);
  const files = groupReportKeys(listed.map((o) => o.key)).latest;
  if (files === null)
    throw new GateError(
      `no reports under ${reports.location}/${LATEST_FOLDER}: nothing to gate on (has the monitor run with this output root?)`,
    );
  const { observation, kept } = await observeFolder(reports, LATEST, files, new Set([VALIDATION_FILE]));
  const problems = sealProblems(observation);
  const first = problems[0];
  if (first) return tampered(first, problems.length - 1);
  const manifest = manifestOf(observation);
  const bytes = kept.get(VALIDATION_FILE);
  if (manifest === null || bytes === undefined)
    return {
      verdict: 'tampered',
      line: `tampered: ${LATEST_FOLDER}${MANIFEST_FILE} does not cover ${VALIDATION_FILE}`,
    };
  const day = await readBytes(reports, manifestKey(manifest.date), MAX_DOCUMENT_BYTES);
  const own = observation.manifest.kind === 'read' ? observation.manifest.sha256 : null;
  if (day === null || sha256(day) !== own)
    return {
      verdict: 'tampered',
      line: `tampered: ${LATEST_FOLDER} is not a copy of ${REPORTS_FOLDER}${manifest.date}/ (the day's manifest is missing or differs)`,
    };
  const decision = readDecision(manifest.date, bytes);
  if (!decision.ok)
    throw new GateError(`${reports.location}/${LATEST_FOLDER}${VALIDATION_FILE}: ${decision.reason}`);
  if (decision.facts.asOf !== Date.parse(manifest.asOf))
    return {
      verdict: 'tampered',
      line: `tampered: ${LATEST_FOLDER}${VALIDATION_FILE} asOf differs from its manifest's (${manifest.asOf})`,
    };
  return judgeGate(decision.facts, limits);
}
