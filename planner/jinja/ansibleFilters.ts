import { createHash } from "crypto";
import * as path from "path";

/**
 * The filters E2Clab workflows use that MiniJinja lacks or spells differently from Jinja2 + Ansible,
 * written to Python's and Ansible's definitions. A filter that is not here and not a MiniJinja builtin
 * is an error when the template is read ("unknown filter"), never a passthrough. Filters whose result
 * depends on the controller or on chance (`lookup`, `random`, `password_hash`, `expanduser`) are left
 * out on purpose: the plan must be the same wherever and whenever it is made.
 */
export class FilterError extends Error {}

type Filter = (...args: unknown[]) => unknown;

/** MiniJinja hands mappings to JavaScript as Map objects. */
export function toPlain(v: unknown): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

/** Python's repr() of a value that came from a template (a float with a whole value prints as an int). */
export function pyRepr(v: unknown): string {
  v = toPlain(v);
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return pyNumber(v);
  if (typeof v === "string") {
    const e = v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
    return v.includes("'") && !v.includes('"') ? `"${e}"` : `'${e.replace(/'/g, "\\'")}'`;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  return `{${Object.entries(v as object).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
}

/** Python's str(): strings as they are, everything else as repr. */
export function pyStr(v: unknown): string {
  return typeof v === "string" ? v : pyRepr(v);
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  return String(n);
}

function truthy(v: unknown): boolean {
  v = toPlain(v);
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === "object") return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python regular expressions as JavaScript ones: the syntax both share, named groups and flags. */
function pyRegex(pattern: unknown, flags: string): RegExp {
  const p = String(pattern).replace(/\(\?P<([A-Za-z_]\w*)>/g, "(?<$1>").replace(/\(\?P=([A-Za-z_]\w*)\)/g, "\\k<$1>");
  try {
    return new RegExp(p, flags);
  } catch (e) {
    throw new FilterError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** Python's re.sub replacement (`\1`, `\g<1>`, `\g<name>`) as a JavaScript one. */
function pyReplacement(r: string): string {
  return r
    .replace(/\$/g, "$$$$")
    .replace(/\\g<(\d+)>/g, "$$$1")
    .replace(/\\g<([A-Za-z_]\w*)>/g, "$$<$1>")
    .replace(/\\(\d+)/g, "$$$1")
    .replace(/\\n/g, "\n")
    .replace(/\\t/g, "\t")
    .replace(/\\\\/g, "\\");
}

function kwarg(args: unknown[], index: number, name: string, fallback: unknown): unknown {
  const last = args[args.length - 1];
  if (last instanceof Map && last.has(name)) return last.get(name);
  const positional = args.filter((a) => !(a instanceof Map && a.size > 0 && [...a.keys()].every((k) => typeof k === "string")));
  return positional[index] !== undefined ? positional[index] : fallback;
}

/** Python's %-formatting for the conversions people use (`'%05d'|format(n)`, `'%s:%s'|format(h, p)`). */
export function percentFormat(fmt: string, values: unknown[]): string {
  let k = 0;
  const out = fmt.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifreEgxXo%])/g, (_m, flags: string, width?: string, prec?: string, conv?: string) => {
    if (conv === "%") return "%";
    if (k >= values.length) throw new FilterError(`not enough arguments for format string ${JSON.stringify(fmt)}`);
    const v = values[k++];
    let s: string;
    switch (conv) {
      case "s":
        s = pyStr(toPlain(v));
        if (prec !== undefined) s = s.slice(0, Number(prec));
        break;
      case "r":
        s = pyRepr(v);
        break;
      case "d":
      case "i":
        s = String(Math.trunc(Number(v)));
        break;
      case "f":
        s = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
        break;
      case "e":
      case "E":
        s = Number(v).toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, "e$10$2");
        if (conv === "E") s = s.toUpperCase();
        break;
      case "g":
        s = String(Number(Number(v).toPrecision(prec === undefined ? 6 : Number(prec) || 1)));
        break;
      case "x":
        s = Math.trunc(Number(v)).toString(16);
        break;
      case "X":
        s = Math.trunc(Number(v)).toString(16).toUpperCase();
        break;
      default:
        s = Math.trunc(Number(v)).toString(8);
    }
    if (flags.includes("+") && /^[0-9]/.test(s) && conv !== "s" && conv !== "r") s = "+" + s;
    const w = width === undefined ? 0 : Number(width);
    if (s.length < w) {
      if (flags.includes("-")) s = s.padEnd(w);
      else if (flags.includes("0") && conv !== "s" && conv !== "r") s = (s[0] === "-" || s[0] === "+" ? s[0] : "") + s.replace(/^[-+]/, "").padStart(w - (/^[-+]/.test(s) ? 1 : 0), "0");
      else s = s.padStart(w);
    }
    return s;
  });
  if (k < values.length) throw new FilterError(`not all arguments converted during string formatting of ${JSON.stringify(fmt)}`);
  return out;
}

/** Jinja2's int filter: what cannot be read is the default (0), floats and "3.7" truncate, base for strings. */
function jinjaInt(v: unknown, ...args: unknown[]): number {
  const dflt = Number(kwarg(args, 0, "default", 0));
  const base = Number(kwarg(args, 1, "base", 10));
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "string") {
    const s = v.trim().replace(/_/g, "");
    const prefixed = base === 16 ? s.replace(/^0x/i, "") : base === 8 ? s.replace(/^0o/i, "") : base === 2 ? s.replace(/^0b/i, "") : s;
    const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
    if (new RegExp(`^[-+]?[${digits}]+$`, "i").test(prefixed)) return parseInt(prefixed, base);
    if (base === 10 && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Math.trunc(Number(s));
    return dflt;
  }
  return dflt;
}

/** Ansible's bool filter. */
function ansibleBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (v === null || v === undefined) return false;
  const s = String(v).toLowerCase().trim();
  return ["yes", "on", "1", "true", "1.0", "y", "t"].includes(s);
}

function shellQuote(v: unknown): string {
  const s = pyStr(toPlain(v));
  if (s === "") return "''";
  if (!/[^\w@%+=:,./-]/.test(s)) return s;
  return "'" + s.replace(/'/g, "'\"'\"'") + "'";
}

function combine(...args: unknown[]): unknown {
  const opts = args[args.length - 1] instanceof Map && (args[args.length - 1] as Map<string, unknown>).has("recursive") ? (args.pop() as Map<string, unknown>) : undefined;
  const recursive = Boolean(opts?.get("recursive"));
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) {
      const prev = out[k];
      out[k] = recursive && isObject(prev) && isObject(v) ? merge(prev, v) : v;
    }
    return out;
  };
  return args.map(toPlain).flat().reduce((acc: Record<string, unknown>, d) => {
    if (!isObject(d)) throw new FilterError(`combine expects mappings, got ${pyRepr(d)}`);
    return merge(acc, d);
  }, {});
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function flatten(v: unknown, levels?: unknown): unknown[] {
  const depth = levels === undefined || levels === null ? Infinity : Number(levels);
  const walk = (xs: unknown[], d: number): unknown[] =>
    xs.flatMap((x) => (Array.isArray(x) && d > 0 ? walk(x, d - 1) : x === null || x === undefined ? [] : [x]));
  return walk(toPlain(v) as unknown[], depth);
}

function list(v: unknown): unknown[] {
  const p = toPlain(v);
  if (Array.isArray(p)) return p;
  if (typeof p === "string") return [...p];
  if (isObject(p)) return Object.keys(p);
  throw new FilterError(`${pyRepr(p)} is not a list`);
}

function uniqueList(xs: unknown[]): unknown[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = pyRepr(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const hash = (algo: string) => (v: unknown) => createHash(algo).update(pyStr(toPlain(v))).digest("hex");

export const ANSIBLE_FILTERS: Record<string, Filter> = {
  int: (v, ...a) => jinjaInt(toPlain(v), ...a),
  bool: (v) => ansibleBool(toPlain(v)),
  string: (v) => pyStr(toPlain(v)),
  join: (v, ...a) => list(v).map((x) => pyStr(x)).join(String(kwarg(a, 0, "d", "") ?? "")),
  format: (fmt, ...values) => percentFormat(String(fmt), values.map(toPlain)),
  to_json: (v) => pyJson(toPlain(v)),
  to_nice_json: (v, ...a) => JSON.stringify(sortKeys(toPlain(v)), null, Number(kwarg(a, 0, "indent", 4))).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")),
  from_json: (v) => {
    try {
      return JSON.parse(String(v));
    } catch (e) {
      throw new FilterError(`from_json: ${(e as Error).message}`);
    }
  },
  regex_replace: (v, pattern, replacement, ...a) => {
    const flags = "g" + (kwarg(a, 0, "ignorecase", false) ? "i" : "") + (kwarg(a, 1, "multiline", false) ? "m" : "");
    const count = Number(kwarg(a, 2, "count", 0));
    let n = 0;
    const re = pyRegex(pattern, flags);
    const repl = pyReplacement(String(replacement ?? ""));
    return pyStr(toPlain(v)).replace(re, (...m) => {
      n++;
      if (count > 0 && n > count) return m[0];
      return m[0].replace(pyRegex(pattern, flags.replace("g", "")), repl);
    });
  },
  regex_search: (v, pattern, ...groups) => {
    const m = pyRegex(pattern, "").exec(pyStr(toPlain(v)));
    if (!m) return null;
    if (groups.length === 0) return m[0];
    return groups.map((g) => {
      const s = String(g);
      const num = /^\\(\d+)$/.exec(s);
      const named = /^\\g<(\w+)>$/.exec(s);
      return num ? m[Number(num[1])] : named ? m.groups?.[named[1]] : undefined;
    });
  },
  regex_findall: (v, pattern, ...a) => {
    const flags = "g" + (kwarg(a, 0, "ignorecase", false) ? "i" : "") + (kwarg(a, 1, "multiline", false) ? "m" : "");
    return [...pyStr(toPlain(v)).matchAll(pyRegex(pattern, flags))].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? m[1] : m.slice(1)));
  },
  regex_escape: (v) => pyStr(toPlain(v)).replace(/[^A-Za-z0-9_]/g, (c) => "\\" + c),
  b64encode: (v) => Buffer.from(pyStr(toPlain(v)), "utf8").toString("base64"),
  b64decode: (v) => Buffer.from(pyStr(toPlain(v)), "base64").toString("utf8"),
  basename: (v) => path.posix.basename(pyStr(toPlain(v))) || "",
  dirname: (v) => {
    const s = pyStr(toPlain(v));
    const i = s.lastIndexOf("/");
    return i < 0 ? "" : i === 0 ? "/" : s.slice(0, i).replace(/\/+$/, "") || "/";
  },
  splitext: (v) => {
    const s = pyStr(toPlain(v));
    const base = s.slice(s.lastIndexOf("/") + 1);
    const dot = base.lastIndexOf(".");
    if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [s, ""];
    const cut = s.length - base.length + dot;
    return [s.slice(0, cut), s.slice(cut)];
  },
  path_join: (v) => (list(v).map((x) => pyStr(x)) as string[]).reduce((acc, p) => (p.startsWith("/") ? p : acc === "" || acc.endsWith("/") ? acc + p : `${acc}/${p}`), ""),
  quote: (v) => shellQuote(v),
  ternary: (v, a, b, none) => {
    const p = toPlain(v);
    if ((p === null || p === undefined) && none !== undefined) return none;
    return truthy(p) ? a : b;
  },
  mandatory: (v, msg) => {
    if (v === undefined) throw new FilterError(msg === undefined ? "Mandatory variable not defined." : String(msg));
    return v;
  },
  combine: (...args) => combine(...args),
  dict2items: (v, ...a) => {
    const p = toPlain(v);
    if (!isObject(p)) throw new FilterError(`dict2items requires a dictionary, got ${pyRepr(p)}`);
    const k = String(kwarg(a, 0, "key_name", "key"));
    const val = String(kwarg(a, 1, "value_name", "value"));
    return Object.entries(p).map(([key, value]) => ({ [k]: key, [val]: value }));
  },
  items2dict: (v, ...a) => {
    const k = String(kwarg(a, 0, "key_name", "key"));
    const val = String(kwarg(a, 1, "value_name", "value"));
    return Object.fromEntries(list(v).map((x) => [String((x as Record<string, unknown>)[k]), (x as Record<string, unknown>)[val]]));
  },
  flatten: (v, ...a) => flatten(v, kwarg(a, 0, "levels", undefined)),
  union: (a, b) => uniqueList([...list(a), ...list(b)]),
  intersect: (a, b) => {
    const keep = new Set(list(b).map(pyRepr));
    return uniqueList(list(a).filter((x) => keep.has(pyRepr(x))));
  },
  difference: (a, b) => {
    const drop = new Set(list(b).map(pyRepr));
    return uniqueList(list(a).filter((x) => !drop.has(pyRepr(x))));
  },
  symmetric_difference: (a, b) => {
    const as = new Set(list(a).map(pyRepr));
    const bs = new Set(list(b).map(pyRepr));
    return uniqueList([...list(a).filter((x) => !bs.has(pyRepr(x))), ...list(b).filter((x) => !as.has(pyRepr(x)))]);
  },
  zip: (a, ...rest) => {
    const lists = [list(a), ...rest.map(list)];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  },
  extract: (key, container, morekeys) => {
    let v = (toPlain(container) as Record<string, unknown>)[String(key)];
    for (const k of morekeys === undefined ? [] : Array.isArray(toPlain(morekeys)) ? (toPlain(morekeys) as unknown[]) : [morekeys]) v = (v as Record<string, unknown>)?.[String(k)];
    if (v === undefined) throw new FilterError(`extract: ${pyRepr(key)} is not in the container`);
    return v;
  },
  hash: (v, algo) => hash(String(algo ?? "sha1"))(v),
  checksum: hash("sha1"),
  md5: hash("md5"),
  sha1: hash("sha1"),
};

/** Python's json.dumps with its default separators (", ", ": ") and ensure_ascii, as Ansible's to_json. */
export function pyJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (typeof v === "string") return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  if (Array.isArray(v)) return `[${v.map(pyJson).join(", ")}]`;
  return `{${Object.entries(v as object).map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`).join(", ")}}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** Ansible's tests that read only the value (`is match`, `is search`, `is regex`). */
export const ANSIBLE_TESTS: Record<string, Filter> = {
  match: (v, pattern, ...a) => pyRegex(`^(?:${String(pattern)})`, kwarg(a, 0, "ignorecase", false) ? "i" : "").test(pyStr(toPlain(v))),
  search: (v, pattern, ...a) => pyRegex(String(pattern), kwarg(a, 0, "ignorecase", false) ? "i" : "").test(pyStr(toPlain(v))),
  regex: (v, pattern, ...a) => pyRegex(String(pattern), kwarg(a, 0, "ignorecase", false) ? "i" : "").test(pyStr(toPlain(v))),
};
