/** The cutover schedule and the readiness period of a window (docs/rules.md). Pure. */
import type { RepeatedKeys } from './json-input';
import { decodeJson, describeIssues, duplicateKeyMessage, omittedDuplicateKeysMessage } from './json-input';
import type { CutoverWindow, Finding } from './schemas';
import { CutoverScheduleSchema } from './schemas';
import type { RawDocument } from './validate-policy';
import { compare } from './order';
import { rawDocumentProblem } from './validate-policy';

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface Window {
  readonly id: string;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly source: CutoverWindow;
}

export interface ParsedSchedule {
  readonly windows: readonly Window[];
  readonly findings: readonly Finding[];
}

/** A missing schedule means "no cutover windows"; anything else that is wrong is a `schedule-invalid` error. */
export function parseSchedule(key: string, raw: RawDocument): ParsedSchedule {
  if (raw.kind === 'missing') return { windows: [], findings: [] };
  const invalid = (message: string, path?: string): ParsedSchedule => ({
    windows: [],
    findings: [{ code: 'schedule-invalid', severity: 'error', ...(path ? { path } : {}), message }],
  });
  if (raw.kind !== 'ok') return invalid(`${key}: ${rawDocumentProblem(raw) ?? 'unreadable'}`);
  const decoded = decodeJson(raw.object.bytes);
  if (!decoded.ok) return invalid(`${key}: ${decoded.reason}`);
  const parsed = parseWindows(key, decoded.value);
  return { windows: parsed.windows, findings: [...repeatedKeyFindings(key, decoded), ...parsed.findings] };
}

/** A repeated key is a `schedule-invalid` error; the schedule is still read as JSON.parse gives it. */
function repeatedKeyFindings(key: string, repeated: RepeatedKeys): Finding[] {
  const findings: Finding[] = repeated.duplicateKeys.map((duplicate) => ({
    code: 'schedule-invalid',
    severity: 'error',
    path: duplicate.path,
    message: `${key} ${duplicateKeyMessage(duplicate)}`,
  }));
  const omitted = omittedDuplicateKeysMessage(repeated);
  if (omitted !== null)
    findings.push({ code: 'schedule-invalid', severity: 'error', message: `${key}: ${omitted}` });
  return findings;
}

/** The windows of a decoded schedule, and what is wrong with them. */
function parseWindows(key: string, value: unknown): ParsedSchedule {
  // Parse against the form the document takes, so an issue keeps its path (a union reports only "$: Invalid input").
  const [wrapperSchema, arraySchema] = CutoverScheduleSchema.options;
  const parsed = Array.isArray(value) ? arraySchema.safeParse(value) : wrapperSchema.safeParse(value);
  if (!parsed.success) {
    const findings: Finding[] = describeIssues(parsed.error.issues, value).map((issue) => ({
      code: 'schedule-invalid',
      severity: 'error',
      path: issue.path,
      message: `${key} ${issue.message}`,
    }));
    return { windows: [], findings };
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.windows;
  const findings: Finding[] = [];
  const windows: Window[] = [];
  const base = Array.isArray(parsed.data) ? '' : 'windows';
  const ids = new Set<string>();
  list.forEach((window, index) => {
    const startsAt = Date.parse(window.startsAt);
    const endsAt = Date.parse(window.endsAt);
    if (endsAt < startsAt) {
      findings.push({
        code: 'schedule-invalid',
        severity: 'error',
        path: `${base}[${index}].endsAt`,
        message: `${key} ${base}[${index}].endsAt: window ${JSON.stringify(window.id)} ends (${window.endsAt}) before it starts (${window.startsAt})`,
      });
      return;
    }
    if (ids.has(window.id)) {
      findings.push({
        code: 'schedule-invalid',
        severity: 'error',
        path: `${base}[${index}].id`,
        message: `${key} ${base}[${index}].id: window id ${JSON.stringify(window.id)} is used twice`,
      });
      return;
    }
    ids.add(window.id);
    windows.push({ id: window.id, startsAt, endsAt, source: window });
  });
  windows.sort((a, b) => a.startsAt - b.startsAt || compare(a.id, b.id));
  return { windows, findings };
}

/** Readiness period `(from, to]` of a window: after the previous cutover, and fresh at the window's start. */
export function readinessPeriod(
  window: Window,
  windows: readonly Window[],
  cadenceMs: number,
): { from: number; to: number } {
  let from = window.startsAt - cadenceMs;
  for (const other of windows) {
    if (other !== window && other.endsAt <= window.startsAt && other.endsAt > from) from = other.endsAt;
  }
  return { from, to: window.startsAt };
}

export interface WindowInForce {
  readonly window: Window;
  readonly period: { readonly from: number; readonly to: number };
  readonly inProgress: boolean;
}

/** The window in force at `now`: in progress, or upcoming with `now` inside its readiness period. */
export function windowInForce(
  windows: readonly Window[],
  now: number,
  cadenceMs: number,
): WindowInForce | null {
  for (const window of windows) {
    const period = readinessPeriod(window, windows, cadenceMs);
    if (window.startsAt <= now && now <= window.endsAt) return { window, period, inProgress: true };
    if (period.from < now && now < window.startsAt) return { window, period, inProgress: false };
  }
  return null;
}

/** The window the promotion decision is for: the one in force, else the next upcoming one, else none. */
export function nextWindow(windows: readonly Window[], now: number, cadenceMs: number): Window | null {
  const inForce = windowInForce(windows, now, cadenceMs);
  if (inForce) return inForce.window;
  return windows.find((window) => window.startsAt > now) ?? null;
}
