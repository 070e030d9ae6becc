import { createHash } from "crypto";
import { Environment } from "minijinja-js";
import { ANSIBLE_FILTERS, ANSIBLE_TESTS, FilterError, toPlain } from "./ansibleFilters";
import { ansibleConcat } from "./pythonLiteral";
import { originalOffset, PY_MACRO_SOURCE, PY_MACRO_TEMPLATE, Rewritten, splitExpressions, TemplatePart, UNDEFINED_MARK, wrapExpressions } from "./pythonOutput";

/** A template problem: what to tell the user, and where in the template (1-based line and column). */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly expected: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(message);
  }
}

/**
 * Renders E2Clab's templates as Ansible renders them, with MiniJinja (Jinja2's semantics, by Jinja's
 * author): expressions, filters, tests, `{% if %}`, `{% for %}`, `{% set %}`, `{% raw %}`, comments and
 * whitespace control. Configured as Ansible configures Jinja2: strict undefined (an undefined variable is
 * an error, `is defined` and `default` still work), `trim_blocks`, trailing newlines kept, values printed
 * the Python way with None as an empty string, and Ansible's filters.
 *
 * Handing values to MiniJinja's WebAssembly side costs time in proportion to their size, so a template is
 * compiled once and given only the variables it names, and identical renders (same template, same values
 * of those variables) are answered from a cache: a plan renders the same command for many hosts and the
 * same arguments twice (the command, and Ansible's view of the task).
 */
export class JinjaRenderer {
  private readonly env = new Environment();
  private readonly compiled = new Map<string, Compiled>();
  private readonly expressions = new Map<string, string[]>();
  private readonly rendered = new Map<string, string>();
  private readonly evaluated = new Map<string, unknown>();

  constructor() {
    this.env.undefinedBehavior = "strict";
    this.env.trimBlocks = true;
    this.env.keepTrailingNewline = true;
    this.env.debug = true;
    this.env.enablePyCompat();
    this.env.addTemplate(PY_MACRO_TEMPLATE, PY_MACRO_SOURCE);
    for (const [name, fn] of Object.entries(ANSIBLE_FILTERS)) this.env.addFilter(name, fn);
    for (const [name, fn] of Object.entries(ANSIBLE_TESTS)) this.env.addTest(name, fn);
  }

  /** True when the text holds Jinja syntax (otherwise it is used as it is, as Ansible does). */
  static isTemplate(text: string): boolean {
    return /\{\{|\{%|\{#/.test(text);
  }

  render(template: string, vars: Record<string, unknown>): string {
    if (!JinjaRenderer.isTemplate(template)) return template;
    const entry = this.compile(template);
    if (entry.parts) {
      const out = this.renderParts(entry.parts, vars);
      if (out !== undefined) return out;
    }
    return this.renderCompiled(entry, template, vars);
  }

  private compile(template: string): Compiled {
    let entry = this.compiled.get(template);
    if (!entry) {
      const rewritten = wrapExpressions(template);
      const name = "t" + createHash("sha1").update(template).digest("hex");
      try {
        this.env.addTemplate(name, rewritten.text);
      } catch (e) {
        throw this.diagnose(e, template, rewritten, {});
      }
      entry = { name, rewritten, names: namesIn(template), parts: splitExpressions(template) };
      this.compiled.set(template, entry);
    }
    return entry;
  }

  /**
   * A template of text and expressions, expression by expression: a variable or a field holding a string
   * or an integer is printed as it is (what MiniJinja prints for it), others are rendered on their own, so
   * that the parts that do not change from one host or loop item to the next come from the cache. Any
   * problem: undefined, and the whole template is rendered, which locates the error.
   */
  private renderParts(parts: TemplatePart[], vars: Record<string, unknown>): string | undefined {
    let out = "";
    for (const p of parts) {
      if ("text" in p) {
        out += p.text;
        continue;
      }
      const plain = p.path && plainValue(p.path, vars);
      if (plain !== undefined) {
        out += plain;
        continue;
      }
      const block = "{{" + p.expr + "}}";
      try {
        out += this.renderCompiled(this.compile(block), block, vars);
      } catch (e) {
        if (e instanceof TemplateError) return undefined;
        throw e;
      }
    }
    return out;
  }

  private renderCompiled(entry: Compiled, template: string, vars: Record<string, unknown>): string {
    const ctx = contextFor(entry.names, vars);
    const key = entry.name + "\u0000" + cacheKey(ctx);
    const cached = this.rendered.get(key);
    if (cached !== undefined) return cached;
    let out: string;
    try {
      out = this.env.renderTemplate(entry.name, ctx);
    } catch (e) {
      throw this.diagnose(e, template, entry.rewritten, vars);
    }
    if (out.includes(UNDEFINED_MARK)) throw this.diagnose(new Error("undefined value"), template, entry.rewritten, vars);
    this.rendered.set(key, out);
    return out;
  }

  /**
   * Errors are located by rendering the user's template as written (MiniJinja then points at the exact
   * expression); only when that succeeds is the rewritten template's error mapped back.
   */
  private diagnose(e: unknown, template: string, rewritten: Rewritten, vars: Record<string, unknown>): TemplateError {
    try {
      this.env.renderStr(template, vars);
    } catch (original) {
      return this.toTemplateError(original, template, { text: template, insertions: [] }, vars);
    }
    return this.toTemplateError(e, template, rewritten, vars);
  }

  /** The value of one Jinja expression (a `when:` condition, the inside of `loop: "{{ ... }}"`). */
  evaluate(expression: string, vars: Record<string, unknown>): unknown {
    let names = this.expressions.get(expression);
    if (!names) this.expressions.set(expression, (names = namesIn(expression)));
    const ctx = contextFor(names, vars);
    const key = expression + "\u0000" + cacheKey(ctx);
    if (this.evaluated.has(key)) return structuredClone(this.evaluated.get(key));
    let value: unknown;
    try {
      value = toPlain(this.env.evalExpr(expression, ctx));
    } catch (e) {
      throw this.toTemplateError(e, expression, { text: expression, insertions: [] }, vars);
    }
    this.evaluated.set(key, value);
    return structuredClone(value);
  }

  /**
   * Ansible's templating of a whole value: strings render to text, and a result that starts with `[` or `{`
   * or is True/False is read back as a Python literal (so `loop: "{{ range(1, 41)|list }}"` is a list and
   * `"{{ 3 }}"` the string "3"); lists and mappings are templated item by item.
   */
  evaluateValue(value: unknown, vars: Record<string, unknown>): unknown {
    if (typeof value === "string") return JinjaRenderer.isTemplate(value) ? ansibleConcat(this.render(value, vars)) : value;
    if (Array.isArray(value)) return value.map((v) => this.evaluateValue(v, vars));
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.evaluateValue(v, vars)]));
    }
    return value;
  }

  private toTemplateError(e: unknown, template: string, rewritten: Rewritten, vars: Record<string, unknown> = {}): TemplateError {
    if (e instanceof TemplateError) return e;
    const text = e instanceof Error ? e.message : String(e);
    const lines = text.split("\n");
    const head = lines[0];
    const m = /^(.*?) \(in [^:]*:(\d+)\)$/.exec(head);
    const what = (m ? m[1] : head).replace(/^([a-z ]+): \1/, "$1");
    const line = m ? Number(m[2]) : undefined;
    let col: number | undefined;
    const srcIdx = lines.findIndex((l) => /^\s*\d+ > /.test(l));
    if (srcIdx >= 0 && lines[srcIdx + 1] && /^\s+i\s+\^/.test(lines[srcIdx + 1])) {
      const gutter = lines[srcIdx].indexOf(">") + 2;
      const colRewritten = lines[srcIdx + 1].indexOf("^") - gutter;
      // Offset within the rewritten text of that line, then back through the insertions.
      const lineStart = rewritten.text.split("\n").slice(0, (line ?? 1) - 1).join("\n").length + ((line ?? 1) > 1 ? 1 : 0);
      const original = originalOffset(lineStart + colRewritten, rewritten.insertions);
      const before = template.slice(0, original);
      col = original - (before.lastIndexOf("\n") + 1) + 1;
    }
    const snippet = JSON.stringify(template.length > 160 ? template.slice(0, 157) + "..." : template);
    if (/undefined value/.test(what)) {
      const name = undefinedName(template, line, col);
      return new TemplateError(
        name ? `template variable '${name}' is not defined` : "template uses an undefined value",
        undefinedHint(name, vars),
        line,
        col,
      );
    }
    if (e instanceof FilterError || /^invalid operation|^unknown filter|^unknown test|^unknown function|^unknown method|^syntax error|^too many|^missing argument|^impossible operation|^bad serialization|^cannot/.test(what)) {
      return new TemplateError(`template cannot be rendered: ${what}`, `Jinja2 as Ansible renders it, in ${snippet}`, line, col);
    }
    return new TemplateError(`template cannot be rendered: ${what}`, `Jinja2 as Ansible renders it, in ${snippet}`, line, col);
  }
}

/** What the template could have used instead: the fields of the mapping it reached into, or the variables. */
function undefinedHint(name: string | undefined, vars: Record<string, unknown>): string {
  if (name && /(^|\.)(url4|__address4__)$/.test(name)) {
    return "__address4__ and url4 need the host's IPv4 address: an IP as its address, or address4, in the stack file";
  }
  const parts = (name ?? "").split(".");
  let value: unknown = vars;
  let i = 0;
  for (; i < parts.length - 1; i++) {
    const next = value && typeof value === "object" ? (value as Record<string, unknown>)[parts[i]] : undefined;
    if (next === undefined || next === null || typeof next !== "object") break;
    value = next;
  }
  const keys = Object.keys((value as object) ?? {}).filter((k) => !k.startsWith("__e2c")).sort();
  if (i > 0) return `a field of ${parts.slice(0, i).join(".")}: ${keys.join(", ")}`;
  return `one of: ${keys.join(", ")}`;
}

/** The dotted name at the error position (`kafka.url`), for the message. */
function undefinedName(template: string, line?: number, col?: number): string | undefined {
  if (line === undefined || col === undefined) return undefined;
  const text = template.split("\n")[line - 1] ?? "";
  const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[['"][^'"]*['"]\])*/.exec(text.slice(col - 1));
  return m?.[0];
}

interface Compiled {
  /** The template's name in the environment (from its text's hash). */
  name: string;
  rewritten: Rewritten;
  /** Every identifier the text contains: a superset of the variables it can reach. */
  names: string[];
  /** Its text and expressions, when it has nothing else (see splitExpressions). */
  parts?: TemplatePart[];
}

/**
 * What MiniJinja prints for `{{ name }}` or `{{ name.field.field }}` (the path) when the value is a string
 * (itself) or an integer (its digits), found through mappings only; otherwise undefined (it is rendered).
 */
function plainValue(path: string[], vars: Record<string, unknown>): string | undefined {
  let value: unknown = vars;
  for (const key of path) {
    if (!value || typeof value !== "object" || Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * The identifiers of a template's text. Jinja has no way to reach a variable without writing its name
 * (there is no `vars`/`lookup('vars')` here), so the variables a template uses are among these; scanning
 * the whole text rather than parsing its blocks keeps that true whatever the template's syntax.
 */
function namesIn(text: string): string[] {
  return [...new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
}

/** The values as text, told apart where JSON would not (undefined, NaN, infinities), for the render cache. */
function cacheKey(ctx: Record<string, unknown>): string {
  return JSON.stringify(ctx, (_k, v) => (v === undefined || (typeof v === "number" && !Number.isFinite(v)) ? `\u0000${String(v)}` : v));
}

/** The variables a template may use, the only ones handed to MiniJinja (hostvars holds every host's). */
function contextFor(names: string[], vars: Record<string, unknown>): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  for (const n of names) if (Object.prototype.hasOwnProperty.call(vars, n)) ctx[n] = vars[n];
  return ctx;
}
