/**
 * The one escape of the HTML report: every string that came from a policy, schedule, waiver, artifact or key goes
 * through `escapeHtml` before it reaches the page, in text and in (always double-quoted) attribute values alike.
 */

const SPECIAL: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Invisible characters that change how text reads: C0 and C1 controls (tab, line feed and carriage return are
 * plain white space in HTML and stay), the bidirectional marks, embeddings, overrides and isolates (U+061C,
 * U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the zero-width space and the byte-order mark. An override such
 * as U+202E would show `evil‮txt.exe` as `evilexe.txt`: each is shown as `[U+XXXX]` instead.
 */
const INVISIBLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const codePoint = (ch: string): string =>
  `[U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`;

/** Text safe in HTML content and in a double- or single-quoted attribute, with invisible controls made visible. */
export function escapeHtml(text: string): string {
  return text.replace(INVISIBLE, codePoint).replace(/[&<>"']/g, (ch) => SPECIAL[ch] ?? ch);
}
