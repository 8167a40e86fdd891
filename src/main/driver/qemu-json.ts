// QEMU's JSON dialect, as its command line reads it (qobject/json-lexer.c, json-parser.c): strings may be
// single-quoted ('a' as well as "a"), each quote may be escaped inside either kind (\' and \"), the other
// escapes are JSON's (\\ \/ \b \f \n \r \t \uXXXX, surrogate pairs joined); numbers, true, false, null,
// objects and arrays as in JSON. `JSON.parse` refuses single quotes, and a value vmdesk could not parse used
// to mean "no paths found": this parser is the one the policy uses, and anything it cannot read is an error
// (the caller refuses it: fail closed). Stricter than QEMU where QEMU's answer is not worth matching: a
// duplicate key (QEMU keeps the last one), \u0000 and raw control characters are refused.

/** A parsed QEMU JSON value. */
export type QemuJson = string | number | boolean | null | QemuJson[] | { [key: string]: QemuJson };

/** Why a QEMU JSON text was refused (with the character offset). */
export class QemuJsonError extends Error {}

/** Deepest nesting accepted (QEMU's json-streamer refuses more than 1024). */
export const QEMU_JSON_MAX_DEPTH = 1024;

/** Parses one QEMU JSON value (white space around it allowed, nothing after it). Throws QemuJsonError. */
export function parseQemuJson(text: string): QemuJson {
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) p.fail('unexpected text after the value');
  return v;
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(why: string): never {
    throw new QemuJsonError(`${why} at offset ${this.i}`);
  }

  ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  value(depth: number): QemuJson {
    if (depth > QEMU_JSON_MAX_DEPTH) this.fail(`nesting deeper than ${QEMU_JSON_MAX_DEPTH}`);
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"' || c === "'") return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail(c === undefined ? 'premature end of input' : `unexpected ${JSON.stringify(c)}`);
  }

  object(depth: number): QemuJson {
    this.i++;
    const out: Record<string, QemuJson> = Object.create(null) as Record<string, QemuJson>;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const q = this.s[this.i];
      if (q !== '"' && q !== "'") this.fail('an object key must be a string');
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.ws();
      if (this.s[this.i] !== ':') this.fail('missing ":" in object');
      this.i++;
      this.ws();
      out[key] = this.value(depth + 1);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected "," or "}" in object');
    }
  }

  array(depth: number): QemuJson {
    this.i++;
    const out: QemuJson[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected "," or "]" in array');
    }
  }

  string(): string {
    const quote = this.s[this.i++];
    let out = '';
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail('unterminated string');
      if (c === quote) return out;
      if (c < ' ' || c === '\u007f') this.fail('control character in string');
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && simple[e] !== undefined) out += simple[e];
      else if (e === 'u') {
        let cp = this.hex4();
        if (cp >= 0xd800 && cp <= 0xdbff) {
          if (this.s.slice(this.i, this.i + 2) !== '\\u') this.fail('lone high surrogate');
          this.i += 2;
          const lo = this.hex4();
          if (lo < 0xdc00 || lo > 0xdfff) this.fail('invalid low surrogate');
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp <= 0xdfff) this.fail('lone low surrogate');
        if (cp === 0) this.fail('\\u0000 is not supported');
        out += String.fromCodePoint(cp);
      } else this.fail(`invalid escape \\${e ?? ''}`);
    }
  }

  hex4(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\u escape');
    this.i += 4;
    return parseInt(h, 16);
  }

  number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.s.slice(this.i));
    if (!m) this.fail('invalid number');
    this.i += m[0].length;
    return Number(m[0]);
  }
}

/** Serialises a value back to JSON that QEMU reads the same way (standard JSON is a subset of its dialect). */
export function qemuJsonText(value: QemuJson): string {
  return JSON.stringify(value);
}
