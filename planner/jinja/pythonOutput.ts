/**
 * Ansible prints what a `{{ expression }}` evaluates to as Python does (`['a', 'b']`, `{'x': 1}`, `True`),
 * except `None`, which its finalize step turns into an empty string. MiniJinja prints its own forms
 * (`["a", "b"]`, `true`, `none`), so every expression block is wrapped in a macro, written in Jinja itself,
 * that prints the value the Python way; MiniJinja still decides int versus float (`{{ 10 / 5 }}` is `2.0`).
 */
export const PY_MACRO_TEMPLATE = "__e2c_python_output";
export const PY_MACRO = "__e2c_py";
export const UNDEFINED_MARK = "\u0000e2c-undefined\u0000";

export const PY_MACRO_SOURCE = [
  "{%- macro py(v, top=false) -%}",
  // An undefined value cannot raise its error here (it would point into this macro): it leaves a mark
  // that the renderer turns into an error located in the user's template.
  `{%- if v is undefined -%}${UNDEFINED_MARK}`,
  "{%- elif v is none -%}{{ '' if top else 'None' }}",
  "{%- elif v is boolean -%}{{ 'True' if v else 'False' }}",
  "{%- elif v is string -%}{%- if top -%}{{ v }}{%- else -%}",
  "{%- set e = v|replace('\\\\', '\\\\\\\\')|replace('\\n', '\\\\n')|replace('\\r', '\\\\r')|replace('\\t', '\\\\t') -%}",
  // Python's repr picks double quotes for a string that holds a single quote and no double quote.
  "{%- if \"'\" in v and '\"' not in v -%}\"{{ e }}\"{%- else -%}'{{ e|replace(\"'\", \"\\\\'\") }}'{%- endif -%}{%- endif -%}",
  "{%- elif v is mapping -%}{{ '{' }}{%- for k, x in v|items -%}{{ py(k) }}: {{ py(x) }}{{ ', ' if not loop.last }}{%- endfor -%}{{ '}' }}",
  "{%- elif v is sequence -%}[{%- for x in v -%}{{ py(x) }}{{ ', ' if not loop.last }}{%- endfor -%}]",
  "{%- else -%}{{ v }}{%- endif -%}",
  "{%- endmacro -%}",
].join("\n");

/** Where the rewriting inserted text, to map MiniJinja's error columns back to the user's template. */
export interface Insertion {
  /** Offset in the rewritten text at which `length` inserted characters start. */
  at: number;
  length: number;
}

export interface Rewritten {
  text: string;
  insertions: Insertion[];
}

const IMPORT = `{% from "${PY_MACRO_TEMPLATE}" import py as ${PY_MACRO} %}`;

/**
 * Wraps every `{{ expr }}` as `{{ __e2c_py(expr, true) }}`, leaving `{% raw %}` blocks, comments and
 * statements as written. Expressions end at the first `}}` outside strings and brackets, as Jinja's lexer
 * reads them; an unterminated block is left for MiniJinja to report.
 */
export function wrapExpressions(template: string): Rewritten {
  const insertions: Insertion[] = [{ at: 0, length: IMPORT.length }];
  let out = IMPORT;
  let i = 0;
  const n = template.length;
  const skipString = (j: number): number => {
    const q = template[j];
    j++;
    while (j < n && template[j] !== q) j += template[j] === "\\" ? 2 : 1;
    return j + 1;
  };
  while (i < n) {
    const open = template.indexOf("{", i);
    if (open < 0 || open === n - 1) {
      out += template.slice(i);
      break;
    }
    const next = template[open + 1];
    if (next === "#") {
      const end = template.indexOf("#}", open + 2);
      const stop = end < 0 ? n : end + 2;
      out += template.slice(i, stop);
      i = stop;
      continue;
    }
    if (next === "%") {
      const stop = statementEnd(template, open + 2, skipString);
      const body = template.slice(open + 2, stop);
      out += template.slice(i, stop);
      i = stop;
      if (/^[-+]?\s*raw\s*[-+]?%\}$/.test(body)) {
        const m = /\{%[-+]?\s*endraw\s*[-+]?%\}/.exec(template.slice(i));
        const rawEnd = m ? i + m.index + m[0].length : n;
        out += template.slice(i, rawEnd);
        i = rawEnd;
      }
      continue;
    }
    if (next !== "{") {
      out += template.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    // An expression block: find its end, outside strings and brackets.
    let j = open + 2;
    const ws = template[j] === "-" || template[j] === "+" ? template[j] : "";
    const exprStart = j + ws.length;
    let depth = 0;
    let end = -1;
    while (j < n) {
      const c = template[j];
      if (c === "'" || c === '"') {
        j = skipString(j);
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (depth > 0 && (c === ")" || c === "]" || c === "}")) depth--;
      else if (depth === 0 && c === "}" && template[j + 1] === "}") {
        end = j;
        break;
      }
      j++;
    }
    if (end < 0) {
      out += template.slice(i);
      break;
    }
    let exprEnd = end;
    if (template[exprEnd - 1] === "-" || template[exprEnd - 1] === "+") exprEnd--;
    // Ansible doubles the backslashes of string literals inside {{ }} before Jinja reads them
    // (Templar's _escape_backslashes): '\\d' in the file is a backslash and a d for the regex.
    const expr = escapeBackslashes(template.slice(exprStart, exprEnd));
    if (expr.trim() === "") {
      out += template.slice(i, end + 2);
      i = end + 2;
      continue;
    }
    out += template.slice(i, exprStart);
    const head = `${PY_MACRO}(`;
    insertions.push({ at: out.length, length: head.length });
    out += head + expr;
    const tail = ", true)";
    insertions.push({ at: out.length, length: tail.length });
    out += tail + template.slice(exprEnd, end + 2);
    i = end + 2;
  }
  return { text: out, insertions };
}

/**
 * A piece of a template that holds only text and `{{ expression }}` blocks; an expression that is a
 * variable or a chain of fields (`kafka.url`) also has that path.
 */
export type TemplatePart = { text: string } | { expr: string; path?: string[] };

/** Words Jinja reads as constants or operators, never as variables. */
const JINJA_WORDS = new Set(["true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else"]);

function pathOf(expr: string): string[] | undefined {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*$/.exec(expr);
  const path = m?.[1].split(".");
  return path && !JINJA_WORDS.has(path[0]) ? path : undefined;
}

/**
 * Splits a template made only of text and `{{ expression }}` blocks into its pieces. Without statements
 * (`{% %}`), comments or whitespace control, each expression's output does not depend on the others, so
 * the template renders as its text with each expression rendered on its own. Anything else: undefined.
 */
export function splitExpressions(template: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  const n = template.length;
  let i = 0;
  while (i < n) {
    const open = template.indexOf("{", i);
    if (open < 0 || open === n - 1) {
      parts.push({ text: template.slice(i) });
      break;
    }
    const next = template[open + 1];
    if (next === "%" || next === "#") return undefined;
    if (next !== "{") {
      parts.push({ text: template.slice(i, open + 1) });
      i = open + 1;
      continue;
    }
    if (open > i) parts.push({ text: template.slice(i, open) });
    const start = open + 2;
    if (template[start] === "-" || template[start] === "+") return undefined;
    let j = start;
    let depth = 0;
    let end = -1;
    while (j < n) {
      const c = template[j];
      if (c === "'" || c === '"') {
        j++;
        while (j < n && template[j] !== c) j += template[j] === "\\" ? 2 : 1;
        j++;
        continue;
      }
      if (c === "(" || c === "[" || c === "{") depth++;
      else if (depth > 0 && (c === ")" || c === "]" || c === "}")) depth--;
      else if (depth === 0 && c === "}" && template[j + 1] === "}") {
        end = j;
        break;
      }
      j++;
    }
    if (end < 0 || template[end - 1] === "-" || template[end - 1] === "+") return undefined;
    const expr = template.slice(start, end);
    parts.push({ expr, path: pathOf(expr) });
    i = end + 2;
  }
  return parts;
}

function escapeBackslashes(expr: string): string {
  if (!expr.includes("\\")) return expr;
  return expr.replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, (lit) => lit.replace(/\\/g, "\\\\"));
}

function statementEnd(template: string, from: number, skipString: (j: number) => number): number {
  let j = from;
  while (j < template.length) {
    const c = template[j];
    if (c === "'" || c === '"') {
      j = skipString(j);
      continue;
    }
    if (c === "%" && template[j + 1] === "}") return j + 2;
    j++;
  }
  return template.length;
}

/** Maps an offset of the rewritten text back to the user's template. */
export function originalOffset(offset: number, insertions: Insertion[]): number {
  let shift = 0;
  for (const ins of insertions) {
    if (ins.at >= offset) break;
    shift += Math.min(ins.length, offset - ins.at);
  }
  return offset - shift;
}
