import * as z from 'zod';
import { MAX_DOCUMENT_BYTES, decodeJson, describeIssues, formatPath } from '../../lambdas/core/json-input';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeJson', () => {
  it('decodes UTF-8 JSON', () => {
    expect(decodeJson(utf8('{"a":["é",1]}'))).toEqual({ ok: true, value: { a: ['é', 1] } });
  });

  it('accepts a document of exactly 5 MiB', () => {
    const bytes = new Uint8Array(MAX_DOCUMENT_BYTES).fill(0x20);
    bytes[0] = 0x31; // "1" followed by spaces
    expect(decodeJson(bytes)).toEqual({ ok: true, value: 1 });
  });

  it('refuses a document one byte larger than 5 MiB without decoding it', () => {
    const result = decodeJson(new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(0x20));
    expect(result).toEqual({ ok: false, reason: `larger than 5 MiB (${MAX_DOCUMENT_BYTES + 1} bytes)` });
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(decodeJson(new Uint8Array([0x22, 0xff, 0xfe, 0x22]))).toEqual({
      ok: false,
      reason: 'not valid UTF-8',
    });
  });

  it('refuses text that is not JSON, naming the parser error on one line', () => {
    const result = decodeJson(utf8('{"a": 1,,}'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/^not valid JSON \(.+\)$/);
    expect(result.reason).not.toContain('\n');
  });

  it.each([
    ['a carriage return', [0x0d, 0x00]],
    ['a line break inside the quoted snippet', [...new TextEncoder().encode('{"a":\n1,,\n}')]],
  ])('keeps the reason on one line when the text holds %s', (_label, bytes) => {
    const result = decodeJson(new Uint8Array(bytes));
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^not valid JSON \(/) });
    if (!result.ok) expect(result.reason).not.toMatch(/[\u0000-\u001f]/);
  });

  it('refuses an empty file as not JSON', () => {
    expect(decodeJson(new Uint8Array())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('skips a leading UTF-8 byte-order mark', () => {
    expect(decodeJson(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('[1]')]))).toEqual({ ok: true, value: [1] });
  });
});

describe('formatPath', () => {
  it('writes array indexes in brackets and fields with dots', () => {
    expect(formatPath(['rows', 3, 'requiredRoles'])).toBe('rows[3].requiredRoles');
  });

  it('prefixes a base path', () => {
    expect(formatPath(['requiredRoles', 0], 'rows[3]')).toBe('rows[3].requiredRoles[0]');
  });

  it('names the document root "$"', () => {
    expect(formatPath([])).toBe('$');
  });

  it('starts with an index for a bare array', () => {
    expect(formatPath([2, 'id'])).toBe('[2].id');
  });

  it('quotes a field name that would break the path or the line', () => {
    expect(formatPath(['rows', 0, 'bad\nname'])).toBe('rows[0]["bad\\nname"]');
    expect(formatPath(['with space'])).toBe('["with space"]');
  });
});

describe('describeIssues', () => {
  const Schema = z.strictObject({ name: z.string(), kind: z.enum(['a', 'b']), tags: z.array(z.string()) });

  const issuesOf = (value: unknown) => {
    const parsed = Schema.safeParse(value);
    if (parsed.success) throw new Error('expected the value to be invalid');
    return describeIssues(parsed.error.issues, value, 'rows[1]');
  };

  it('says a missing field is required, with its path', () => {
    expect(issuesOf({ kind: 'a', tags: [] })).toEqual([
      {
        kind: 'schema',
        path: 'rows[1].name',
        message: 'rows[1].name: required field is missing (expected string)',
      },
    ]);
  });

  it('names the expected type of a field of the wrong type', () => {
    const [issue] = issuesOf({ name: 7, kind: 'a', tags: [] });
    expect(issue).toMatchObject({ kind: 'schema', path: 'rows[1].name' });
    expect(issue?.message).toMatch(/^rows\[1\]\.name: .*expected string/);
  });

  it('reports a value outside its enum', () => {
    const [issue] = issuesOf({ name: 'n', kind: 'c', tags: [] });
    expect(issue).toMatchObject({ kind: 'schema', path: 'rows[1].kind' });
    expect(issue?.message).toContain('"a"');
  });

  it('reports an element of the wrong type by its index', () => {
    expect(issuesOf({ name: 'n', kind: 'a', tags: ['x', 2] })).toEqual([
      expect.objectContaining({ kind: 'schema', path: 'rows[1].tags[1]' }),
    ]);
  });

  it('reports each unknown field separately', () => {
    expect(issuesOf({ name: 'n', kind: 'a', tags: [], extra: 1, more: 2 })).toEqual([
      {
        kind: 'unknown-field',
        path: 'rows[1].extra',
        message: 'rows[1].extra: unknown field "extra" is not part of the schema',
      },
      {
        kind: 'unknown-field',
        path: 'rows[1].more',
        message: 'rows[1].more: unknown field "more" is not part of the schema',
      },
    ]);
  });

  it('reports unknown fields alongside schema errors of the same object', () => {
    expect(issuesOf({ kind: 'a', tags: [], extra: 1 }).map((m) => m.kind)).toEqual([
      'schema',
      'unknown-field',
    ]);
  });
});
