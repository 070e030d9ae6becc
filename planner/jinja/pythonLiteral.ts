/**
 * Python's ast.literal_eval for the values Ansible turns template results back into: a rendered field that
 * starts with `[` or `{`, or is `True`/`False`, is read as a Python literal (ansible_eval_concat), so
 * `loop: "{{ range(1, 41)|list }}"` is a list while `"{{ 3 }}"` stays the string "3". Returns undefined
 * when the text is not a literal (Ansible then keeps the string).
 */
export function ansibleConcat(text: string): unknown {
  if (!(text.startsWith("[") || text.startsWith("{") || text === "True" || text === "False")) return text;
  try {
    const p = new Parser(text);
    const v = p.value();
    p.ws();
    if (p.i !== text.length) return text;
    return v;
  } catch {
    return text;
  }
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === "[" || c === "(") return this.seq(c === "[" ? "]" : ")");
    if (c === "{") return this.map();
    if (c === "'" || c === '"') return this.str();
    const m = /^(?:True|False|None|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan))/.exec(this.s.slice(this.i));
    if (!m) throw new Error("not a literal");
    this.i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0]);
  }
  seq(end: string): unknown[] {
    this.i++;
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === end) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== end) throw new Error("bad sequence");
    }
  }
  map(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      const k = this.value();
      this.ws();
      if (this.s[this.i++] !== ":") throw new Error("bad mapping");
      out[String(k)] = this.value();
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") throw new Error("bad mapping");
    }
  }
  str(): string {
    const q = this.s[this.i++];
    let out = "";
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === "\\") {
        const e = this.s[++this.i];
        const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0" };
        if (e === "x") {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 1, this.i + 3), 16));
          this.i += 3;
          continue;
        }
        if (e === "u") {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 1, this.i + 5), 16));
          this.i += 5;
          continue;
        }
        out += map[e] ?? "\\" + e;
        this.i++;
      } else out += this.s[this.i++];
    }
    if (this.s[this.i] !== q) throw new Error("unterminated string");
    this.i++;
    return out;
  }
}
