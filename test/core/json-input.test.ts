import fc from 'fast-check';
import * as z from 'zod';
import {
  MAX_DOCUMENT_BYTES,
  decodeJson,
  describeIssues,
  DUPLICATE_KEYS_LISTED,
  duplicateKeyMessage,
  findDuplicateKeys,
  formatPath,
  omittedDuplicateKeysMessage,
  repeatedKeysReason,
} from '../../lambdas/core/json-input';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeJson', () => {
  it('decodes UTF-8 JSON', () => {
    expect(decodeJson(utf8('{"a":["é",1]}'))).toEqual({
      ok: true,
      value: { a: ['é', 1] },
      duplicateKeys: [],
      omittedDuplicateKeys: 0,
    });
  });

  it('accepts a document of exactly 5 MiB', () => {
    const bytes = new Uint8Array(MAX_DOCUMENT_BYTES).fill(0x20);
    bytes[0] = 0x31; // "1" followed by spaces
    expect(decodeJson(bytes)).toEqual({ ok: true, value: 1, duplicateKeys: [], omittedDuplicateKeys: 0 });
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
    expect(decodeJson(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('[1]')]))).toEqual({
      ok: true,
      value: [1],
      duplicateKeys: [],
      omittedDuplicateKeys: 0,
    });
  });
});

describe('decodeJson duplicate keys', () => {
  const paths = (text: string) => {
    const result = decodeJson(utf8(text));
    if (!result.ok) throw new Error(`expected valid JSON: ${result.reason}`);
    return result.duplicateKeys.map((d) => d.path);
  };

  it('finds none when a key repeats only across different objects', () => {
    expect(paths('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}],"d":{}}')).toEqual([]);
  });

  it('reports a key repeated in one object with its JSON path, keeping the value JSON.parse gives', () => {
    const text = '{"rows":[{"id":"x"},{"id":"y","blocking":true,"blocking":false}]}';
    const result = decodeJson(utf8(text));
    expect(result).toEqual({
      ok: true,
      value: { rows: [{ id: 'x' }, { id: 'y', blocking: false }] },
      duplicateKeys: [{ key: 'blocking', segments: ['rows', 1, 'blocking'], path: 'rows[1].blocking' }],
      omittedDuplicateKeys: 0,
    });
  });

  it('compares keys after unescaping them', () => {
    expect(paths('{"a":1,"\\u0061":2}')).toEqual(['a']);
    expect(paths('{"a\\"b":1,"a\\u0022b":2}')).toEqual(['["a\\"b"]']);
  });

  it('compares keys as JSON.parse does, code unit by code unit', () => {
    expect(paths('{"a":1,"A":2,"é":3,"e\\u0301":4}')).toEqual([]);
  });

  it('reports a key repeated several times in one object once', () => {
    expect(paths('{"a":1,"a":2,"a":3}')).toEqual(['a']);
  });

  it('reports a repeated __proto__ key', () => {
    expect(paths('{"__proto__":1,"__proto__":2}')).toEqual(['__proto__']);
  });

  it('is not misled by string values that look like structure', () => {
    expect(paths('{"x":"{\\"a\\":1,\\"a\\":2}","y":"\\\\","z":"]},{[","w":1}')).toEqual([]);
    expect(paths('[":",{"k":"\\\\"},{"k":1,"k":2}]')).toEqual(['[2].k']);
  });

  it('counts array indexes through nested arrays and empty containers', () => {
    expect(paths('[[1,2],[{},[],3,{"k":1,"k":2}]]')).toEqual(['[1][3].k']);
    expect(paths(' { "e" : { } , "a" : 1 ,\n "a" : 2 } ')).toEqual(['a']);
  });

  it('reports every object with a repeated key, in document order', () => {
    expect(paths('{"b":{"x":1,"x":2},"a":[{"y":1,"y":2}],"b":3}')).toEqual(['b.x', 'a[0].y', 'b']);
  });

  it('handles 100,000 nested arrays without exhausting the stack, eliding the middle of a deep path', () => {
    const depth = 100_000;
    const result = decodeJson(utf8(`${'['.repeat(depth)}{"a":1,"a":2}${']'.repeat(depth)}`));
    expect(result).toMatchObject({ ok: true, omittedDuplicateKeys: 0 });
    if (!result.ok) return;
    expect(result.duplicateKeys).toEqual([
      {
        key: 'a',
        segments: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a'],
        path: `${'[0]'.repeat(8)}…${'[0]'.repeat(7)}.a`,
      },
    ]);
  });

  it(`lists the first ${DUPLICATE_KEYS_LISTED} repeated keys and counts the others`, () => {
    const depth = 100_000;
    const result = decodeJson(utf8(`${'{"a":'.repeat(depth)}1${',"a":2}'.repeat(depth)}`));
    expect(result).toMatchObject({ ok: true, omittedDuplicateKeys: depth - DUPLICATE_KEYS_LISTED });
    if (!result.ok) return;
    expect(result.duplicateKeys).toHaveLength(DUPLICATE_KEYS_LISTED);
    // Document order of the repeated occurrence: the innermost object closes first.
    expect(result.duplicateKeys[0]?.segments).toHaveLength(16);
  });

  it.each([
    ['a trailing comma', '{"a":1,}'],
    ['a comment', '{"a":1 /* note */}'],
    ['a single-quoted key', "{'a':1}"],
  ])('still refuses JSON with %s, as JSON.parse does', (_label, text) => {
    expect(decodeJson(utf8(text))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not valid JSON/),
    });
  });
});

/** A JSON tree whose objects are member lists, so a key may repeat. */
type Tree =
  | null
  | number
  | string
  | { readonly list: readonly Tree[] }
  | { readonly members: readonly [string, Tree][] };

const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.record({ list: fc.array(tie('tree'), { maxLength: 4 }) }),
    fc.record({
      members: fc.array(fc.tuple(fc.constantFrom('a', 'b', '"', '\\', 'é', ''), tie('tree')), {
        maxLength: 5,
      }),
    }),
  ),
}));

/** Writes a key plainly or with every character as a `\\uXXXX` escape. */
const writeKey = (key: string, escaped: boolean): string =>
  escaped
    ? `"${[...key].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
    : JSON.stringify(key);

function write(node: Tree, escaped: boolean): string {
  if (node === null || typeof node !== 'object') return JSON.stringify(node);
  if ('list' in node) return `[${node.list.map((n) => write(n, escaped)).join(', ')}]`;
  return `{ ${node.members.map(([k, v]) => `${writeKey(k, escaped)} :${write(v, escaped)}`).join(',\n')} }`;
}

/** The repeated keys by plain recursion: the reference the iterative scanner must agree with. */
function expectedPaths(node: Tree, path: (string | number)[] = [], out: string[] = []): string[] {
  if (node === null || typeof node !== 'object') return out;
  if ('list' in node) node.list.forEach((n, i) => expectedPaths(n, [...path, i], out));
  else {
    const seen = new Map<string, number>();
    for (const [key, value] of node.members) {
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      if (count === 2) out.push(formatPath([...path, key]));
      expectedPaths(value, [...path, key], out);
    }
  }
  return out;
}

describe('findDuplicateKeys', () => {
  it('finds the same duplicates in text as decodeJson does in bytes', () => {
    expect(findDuplicateKeys('{"a":{"b":1,"b":2}}')).toEqual([
      { key: 'b', segments: ['a', 'b'], path: 'a.b' },
    ]);
  });

  it('agrees with a recursive reference on any JSON text, keys escaped or not', () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (node, escaped) => {
        const text = write(node, escaped);
        expect(() => JSON.parse(text) as unknown).not.toThrow();
        expect(findDuplicateKeys(text).map((d) => d.path)).toEqual(expectedPaths(node));
      }),
      { numRuns: 500 },
    );
  });
});

describe('duplicateKeyMessage', () => {
  it('names the path and the key on one line', () => {
    expect(
      duplicateKeyMessage({
        key: 'a\u2028b',
        segments: ['rows', 0, 'a\u2028b'],
        path: 'rows[0]["a\\u2028b"]',
      }),
    ).toBe('rows[0]["a\\u2028b"]: duplicate key "a\\u2028b": only its last value is read');
  });
});

describe('repeatedKeysReason', () => {
  const repeated = (text: string) => {
    const result = decodeJson(utf8(text));
    if (!result.ok) throw new Error(result.reason);
    return result;
  };

  it('is null when no key repeats', () => {
    expect(repeatedKeysReason(repeated('{"a":{"a":1}}'))).toBeNull();
  });

  it('names every repeated key up to the maximum', () => {
    expect(repeatedKeysReason(repeated('{"a":1,"a":2,"b":{"c":1,"c":2}}'))).toBe(
      'a: duplicate key "a": only its last value is read; b.c: duplicate key "c": only its last value is read',
    );
  });

  it('counts the repeated keys it does not name, listed or not', () => {
    expect(repeatedKeysReason(repeated('{"a":1,"a":2,"b":1,"b":2}'), 1)).toBe(
      'a: duplicate key "a": only its last value is read; and 1 more duplicate key',
    );
    const many = repeated(`[${'{"a":1,"a":2},'.repeat(DUPLICATE_KEYS_LISTED + 4)}0]`);
    expect(repeatedKeysReason(many)).toMatch(/; and 101 more duplicate keys$/);
  });
});

describe('omittedDuplicateKeysMessage', () => {
  it('counts the repeated keys that are not listed, or is null', () => {
    expect(omittedDuplicateKeysMessage({ duplicateKeys: [], omittedDuplicateKeys: 0 })).toBeNull();
    expect(omittedDuplicateKeysMessage({ duplicateKeys: [], omittedDuplicateKeys: 1 })).toBe(
      '1 more duplicate key is not listed',
    );
    expect(omittedDuplicateKeysMessage({ duplicateKeys: [], omittedDuplicateKeys: 7 })).toBe(
      '7 more duplicate keys are not listed',
    );
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

  it('escapes line separators in a quoted field name, which JSON.stringify leaves raw', () => {
    expect(formatPath(['a\u2028b'])).toBe('["a\\u2028b"]');
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
