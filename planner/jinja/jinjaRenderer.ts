import { createHash } from "crypto";
import { Environment } from "minijinja-js";
import { ANSIBLE_FILTERS, ANSIBLE_TESTS, FilterError, toPlain } from "./ansibleFilters";
import { ansibleConcat } from "./pythonLiteral";
import { originalOffset, PY_MACRO_SOURCE, PY_MACRO_TEMPLATE, Rewritten, UNDEFINED_MARK, wrapExpressions } from "./pythonOutput";

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
 * the Python way with None as an empty string, and Ansible's filters. Templates are compiled once.
 */
export class JinjaRenderer {
  private readonly env = new Environment();
  private readonly compiled = new Map<string, { name: string; rewritten: Rewritten }>();

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
    let entry = this.compiled.get(template);
    if (!entry) {
      const rewritten = wrapExpressions(template);
      const name = "t" + createHash("sha1").update(template).digest("hex");
      try {
        this.env.addTemplate(name, rewritten.text);
      } catch (e) {
        throw this.diagnose(e, template, rewritten, {});
      }
      entry = { name, rewritten };
      this.compiled.set(template, entry);
    }
    let out: string;
    try {
      out = this.env.renderTemplate(entry.name, contextFor(template, vars));
    } catch (e) {
      throw this.diagnose(e, template, entry.rewritten, vars);
    }
    if (out.includes(UNDEFINED_MARK)) throw this.diagnose(new Error("undefined value"), template, entry.rewritten, vars);
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
    try {
      return toPlain(this.env.evalExpr(expression, contextFor(expression, vars)));
    } catch (e) {
      throw this.toTemplateError(e, expression, { text: expression, insertions: [] }, vars);
    }
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

/**
 * Every render hands its variables to MiniJinja's WebAssembly side; `hostvars` holds every play host's
 * variables, so it is only handed over to the templates that name it (a template cannot reach a variable
 * it does not name).
 */
function contextFor(template: string, vars: Record<string, unknown>): Record<string, unknown> {
  if (!("hostvars" in vars) || template.includes("hostvars")) return vars;
  const { hostvars: _hostvars, ...rest } = vars;
  return rest;
}
