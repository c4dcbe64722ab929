import { nextWindow, parseSchedule, readinessPeriod, windowInForce } from '../../lambdas/core/schedule';
import { DAY, SECOND, at, encode, window } from '../fixtures/core/builders';

const KEY = 'schedule/cutover-windows.json';
const CADENCE = 30 * DAY;
const ok = (value: unknown) => ({ kind: 'ok' as const, object: { bytes: encode(value) } });
const doc = (windows: unknown[]) => ({ schemaVersion: 'usr-cutover-schedule/v1', windows });

const W1 = { id: 'w1', startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-01T04:00:00Z' };
const W0 = { id: 'w0', startsAt: '2026-11-09T00:00:00Z', endsAt: '2026-11-10T00:00:00Z' };

describe('parseSchedule', () => {
  it('treats a missing schedule as no windows, without findings', () => {
    expect(parseSchedule(KEY, { kind: 'missing' })).toEqual({ windows: [], findings: [] });
  });

  it('reads the wrapper document, windows sorted by start', () => {
    const result = parseSchedule(KEY, ok(doc([W1, W0])));
    expect(result.findings).toEqual([]);
    expect(result.windows.map((w) => [w.id, w.startsAt, w.endsAt])).toEqual([
      ['w0', at(W0.startsAt), at(W0.endsAt)],
      ['w1', at(W1.startsAt), at(W1.endsAt)],
    ]);
  });

  it('reads a bare array of windows', () => {
    expect(parseSchedule(KEY, ok([W1])).windows.map((w) => w.id)).toEqual(['w1']);
  });

  it('reads instants with a zone offset', () => {
    const [w] = parseSchedule(KEY, ok([{ ...W1, startsAt: '2026-12-01T01:00:00+01:00' }])).windows;
    expect(w?.startsAt).toBe(at(W1.startsAt));
  });

  it('accepts a window that ends when it starts', () => {
    expect(parseSchedule(KEY, ok([{ ...W1, endsAt: W1.startsAt }])).findings).toEqual([]);
  });

  it('reports a window that ends before it starts and leaves it out', () => {
    const result = parseSchedule(KEY, ok(doc([W0, { ...W1, endsAt: '2026-11-30T23:59:59Z' }])));
    expect(result.findings).toEqual([
      expect.objectContaining({ code: 'schedule-invalid', severity: 'error', path: 'windows[1].endsAt' }),
    ]);
    expect(result.windows.map((w) => w.id)).toEqual(['w0']);
  });

  it('reports a window id used twice and keeps the first', () => {
    const result = parseSchedule(KEY, ok([W1, { ...W0, id: 'w1' }]));
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'schedule-invalid',
        path: '[1].id',
        message: expect.stringContaining('"w1"'),
      }),
    ]);
    expect(result.windows.map((w) => w.startsAt)).toEqual([at(W1.startsAt)]);
  });

  it('keeps messages on one line when a window id holds a line break', () => {
    const odd = { ...W1, id: 'w\n1' };
    const result = parseSchedule(KEY, ok([odd, odd, { ...odd, id: 'w\r2', endsAt: '2026-11-01T00:00:00Z' }]));
    expect(result.findings.map((f) => f.path)).toEqual(['[1].id', '[2].endsAt']);
    for (const finding of result.findings) expect(finding.message).not.toMatch(/[\r\n]/);
  });

  it('reports a missing field of a window in the wrapper document with its path', () => {
    const result = parseSchedule(KEY, ok(doc([{ id: 'w1', startsAt: W1.startsAt }])));
    expect(result.findings).toEqual([
      {
        code: 'schedule-invalid',
        severity: 'error',
        path: 'windows[0].endsAt',
        message: `${KEY} windows[0].endsAt: required field is missing (expected string)`,
      },
    ]);
    expect(result.windows).toEqual([]);
  });

  it('reports a wrong schemaVersion with its path', () => {
    expect(parseSchedule(KEY, ok({ schemaVersion: 'v0', windows: [] })).findings).toEqual([
      expect.objectContaining({ code: 'schedule-invalid', path: 'schemaVersion' }),
    ]);
  });

  it('reports an instant without a zone in a bare array with its path', () => {
    expect(parseSchedule(KEY, ok([{ ...W1, endsAt: '2026-12-01T04:00:00' }])).findings).toEqual([
      expect.objectContaining({ code: 'schedule-invalid', path: '[0].endsAt' }),
    ]);
  });

  it('reports an unknown field of a window as an error', () => {
    expect(parseSchedule(KEY, ok([{ ...W1, owner: 'x' }])).findings).toEqual([
      expect.objectContaining({ code: 'schedule-invalid', severity: 'error', path: '[0].owner' }),
    ]);
  });

  it('reports a schedule that is neither an object nor an array', () => {
    expect(parseSchedule(KEY, ok(7)).findings).toEqual([
      expect.objectContaining({ code: 'schedule-invalid', path: '$' }),
    ]);
  });

  it('reports a schedule that is not JSON', () => {
    const result = parseSchedule(KEY, { kind: 'ok', object: { bytes: new TextEncoder().encode('{') } });
    expect(result.findings).toEqual([
      expect.objectContaining({
        code: 'schedule-invalid',
        message: expect.stringMatching(/^schedule\/cutover-windows\.json: not valid JSON/),
      }),
    ]);
  });

  describe('repeated keys', () => {
    const raw = (text: string) => ({
      kind: 'ok' as const,
      object: { bytes: new TextEncoder().encode(text) },
    });

    it('reports a key repeated in a window as an error with its path, reading the window with the last value', () => {
      const text = JSON.stringify([W1]).replace('"startsAt"', '"startsAt":"2026-11-01T00:00:00Z","startsAt"');
      const result = parseSchedule(KEY, raw(text));
      expect(result.findings).toEqual([
        {
          code: 'schedule-invalid',
          severity: 'error',
          path: '[0].startsAt',
          message: `${KEY} [0].startsAt: duplicate key "startsAt": only its last value is read`,
        },
      ]);
      expect(result.windows.map((w) => [w.id, w.startsAt])).toEqual([['w1', at(W1.startsAt)]]);
    });

    it('reports a repeated key of the wrapper document next to its schema problems', () => {
      const text = JSON.stringify(doc([{ id: 'w1', startsAt: W1.startsAt }])).replace(
        '"windows"',
        '"windows":[],"windows"',
      );
      expect(parseSchedule(KEY, raw(text)).findings.map((f) => [f.code, f.path])).toEqual([
        ['schedule-invalid', 'windows'],
        ['schedule-invalid', 'windows[0].endsAt'],
      ]);
    });

    it('counts the repeated keys beyond the first 100 in one more finding', () => {
      const windows = Array.from({ length: 101 }, (_, i) =>
        JSON.stringify({ ...W1, id: `w${i}` }).replace('{', '{"id":"x",'),
      );
      const findings = parseSchedule(KEY, raw(`[${windows.join(',')}]`)).findings;
      expect(findings).toHaveLength(101);
      expect(findings).toContainEqual({
        code: 'schedule-invalid',
        severity: 'error',
        message: `${KEY}: 1 more duplicate key is not listed`,
      });
    });
  });

  it('reports a schedule that could not be read', () => {
    expect(parseSchedule(KEY, { kind: 'error', message: 'AccessDenied' }).findings).toEqual([
      { code: 'schedule-invalid', severity: 'error', message: `${KEY}: AccessDenied` },
    ]);
  });
});

describe('readinessPeriod', () => {
  const w1 = window('w1', W1.startsAt, W1.endsAt);

  it('runs from one cadence before the window start (exclusive) to the start (inclusive)', () => {
    expect(readinessPeriod(w1, [w1], CADENCE)).toEqual({
      from: at(W1.startsAt) - CADENCE,
      to: at(W1.startsAt),
    });
  });

  it('starts at the end of a previous window that ended within the cadence', () => {
    const w0 = window('w0', W0.startsAt, W0.endsAt);
    expect(readinessPeriod(w1, [w0, w1], CADENCE)).toEqual({ from: at(W0.endsAt), to: at(W1.startsAt) });
  });

  it('takes the latest of several previous windows', () => {
    const w0 = window('w0', W0.startsAt, W0.endsAt);
    const wMid = window('wMid', '2026-11-20T00:00:00Z', '2026-11-21T00:00:00Z');
    expect(readinessPeriod(w1, [w0, wMid, w1], CADENCE).from).toBe(at('2026-11-21T00:00:00Z'));
  });

  it('ignores a previous window that ended more than a cadence before the start', () => {
    const old = window('old', '2026-10-01T00:00:00Z', '2026-10-02T00:00:00Z');
    expect(readinessPeriod(w1, [old, w1], CADENCE).from).toBe(at(W1.startsAt) - CADENCE);
  });

  it('ignores an overlapping window that ends after the start', () => {
    const overlapping = window('long', '2026-11-30T00:00:00Z', '2026-12-02T00:00:00Z');
    expect(readinessPeriod(w1, [overlapping, w1], CADENCE).from).toBe(at(W1.startsAt) - CADENCE);
  });

  it('uses the configured cadence', () => {
    expect(readinessPeriod(w1, [w1], 14 * DAY).from).toBe(at(W1.startsAt) - 14 * DAY);
  });
});

describe('windowInForce', () => {
  const w1 = window('w1', W1.startsAt, W1.endsAt);
  const start = at(W1.startsAt);
  const end = at(W1.endsAt);
  const from = start - CADENCE;

  it('is null without windows', () => {
    expect(windowInForce([], start, CADENCE)).toBeNull();
  });

  it('is null exactly at the lower bound of the readiness period', () => {
    expect(windowInForce([w1], from, CADENCE)).toBeNull();
  });

  it('is the upcoming window one second after the lower bound', () => {
    expect(windowInForce([w1], from + SECOND, CADENCE)).toEqual({
      window: w1,
      period: { from, to: start },
      inProgress: false,
    });
  });

  it('is the upcoming window one second before it starts', () => {
    expect(windowInForce([w1], start - SECOND, CADENCE)).toMatchObject({ window: w1, inProgress: false });
  });

  it('is the window in progress exactly at its start', () => {
    expect(windowInForce([w1], start, CADENCE)).toMatchObject({ window: w1, inProgress: true });
  });

  it('is the window in progress exactly at its end', () => {
    expect(windowInForce([w1], end, CADENCE)).toMatchObject({ window: w1, inProgress: true });
  });

  it('is null one second after the window ends', () => {
    expect(windowInForce([w1], end + SECOND, CADENCE)).toBeNull();
  });

  it('is the previous window while it is in progress, then the next one once it has ended', () => {
    const w0 = window('w0', W0.startsAt, W0.endsAt);
    expect(windowInForce([w0, w1], at(W0.endsAt), CADENCE)?.window.id).toBe('w0');
    expect(windowInForce([w0, w1], at(W0.endsAt) + SECOND, CADENCE)).toMatchObject({
      window: w1,
      period: { from: at(W0.endsAt), to: start },
      inProgress: false,
    });
  });

  it('uses the configured cadence for the readiness period', () => {
    expect(windowInForce([w1], start - 14 * DAY, 14 * DAY)).toBeNull();
    expect(windowInForce([w1], start - 14 * DAY + SECOND, 14 * DAY)?.window.id).toBe('w1');
  });
});

describe('nextWindow', () => {
  const w0 = window('w0', W0.startsAt, W0.endsAt);
  const w1 = window('w1', W1.startsAt, W1.endsAt);

  it('is the window in force', () => {
    expect(nextWindow([w0, w1], at('2026-11-25T00:00:00Z'), CADENCE)?.id).toBe('w1');
  });

  it('is the next upcoming window when none is in force yet', () => {
    expect(nextWindow([w1], at('2026-10-01T00:00:00Z'), CADENCE)?.id).toBe('w1');
  });

  it('is null when every window has ended', () => {
    expect(nextWindow([w0, w1], at('2026-12-02T00:00:00Z'), CADENCE)).toBeNull();
  });
});
