import { escapeHtml } from '../../lambdas/render/escape-html';

describe('escapeHtml', () => {
  it('turns a script tag into text', () => {
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('escapes both quotes, so a value cannot leave a double- or single-quoted attribute', () => {
    expect(escapeHtml(`x" onmouseover="alert(1)`)).toBe('x&quot; onmouseover=&quot;alert(1)');
    expect(escapeHtml(`x' autofocus onfocus='alert(1)`)).toBe('x&#39; autofocus onfocus=&#39;alert(1)');
  });

  it('escapes the ampersand first, so an entity in the input shows as typed', () => {
    expect(escapeHtml('&lt;b&gt; &amp; &#x202E;')).toBe('&amp;lt;b&amp;gt; &amp;amp; &amp;#x202E;');
  });

  it('shows a right-to-left override as its code point instead of reversing what follows', () => {
    expect(escapeHtml('invoice\u202Etxt.exe')).toBe('invoice[U+202E]txt.exe');
  });

  it('shows every other bidirectional control as its code point', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069'];
    const marks = ['\u200E', '\u200F', '\u061C'];
    for (const ch of [...controls, ...marks]) {
      const code = ch.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0') ?? '';
      expect(escapeHtml(`a${ch}b`)).toBe(`a[U+${code}]b`);
    }
  });

  it('shows control characters, the zero-width space and the byte-order mark, and keeps tab and line breaks', () => {
    expect(escapeHtml('a\u0000b\u001bc\u0085d\u200Be\uFEFFf')).toBe(
      'a[U+0000]b[U+001B]c[U+0085]d[U+200B]e[U+FEFF]f',
    );
    expect(escapeHtml('a\tb\nc\rd')).toBe('a\tb\nc\rd');
  });

  it('leaves letters of every script alone, right-to-left ones included', () => {
    expect(escapeHtml('Prüfung 日本 مرحبا שלום')).toBe('Prüfung 日本 مرحبا שלום');
  });
});
