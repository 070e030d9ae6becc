import Handlebars from "handlebars";

/** A template problem, with what to tell the user; the caller adds the location. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

/**
 * Renders E2Clab's Jinja-style task templates (`{{ zookeeper.url }}`) with Handlebars in strict mode:
 * a variable that is not defined is an error, never an empty string. Output is shell text, so nothing is
 * HTML-escaped. Templates are compiled once and reused: the seed renders the same line 320 times.
 */
export class TemplateRenderer {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();

  constructor() {
    // Jinja would write `{{ (service_id - 1) * 40 + item }}`; Handlebars has no operators, so the arithmetic
    // a workflow needs to number things globally is offered as helpers: `{{ add (mul (sub service_id 1) 40) item }}`.
    const num = (v: unknown, name: string) => {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new TemplateError(`${name}: ${JSON.stringify(v)} is not a number`, "numbers");
      return n;
    };
    this.hb.registerHelper("add", (a: unknown, b: unknown) => num(a, "add") + num(b, "add"));
    this.hb.registerHelper("sub", (a: unknown, b: unknown) => num(a, "sub") - num(b, "sub"));
    this.hb.registerHelper("mul", (a: unknown, b: unknown) => num(a, "mul") * num(b, "mul"));
  }

  render(template: string, vars: Record<string, unknown>): string {
    if (!template.includes("{{")) return template;
    let fn = this.cache.get(template);
    if (!fn) {
      fn = this.hb.compile(template, { strict: true, noEscape: true });
      this.cache.set(template, fn);
    }
    try {
      return fn(vars);
    } catch (e) {
      throw e instanceof TemplateError ? e : toTemplateError(e as Error, template, vars);
    }
  }

  /**
   * A task's `loop`: a YAML list, Jinja's `{{ range(a, b[, step])|list }}` (b exclusive, as in Python),
   * or `{{ var }}` naming a list (an asarray prefix, an app_conf entry).
   */
  loopItems(loop: unknown[] | string, vars: Record<string, unknown>): unknown[] {
    if (Array.isArray(loop)) return loop;
    const range = /^\{\{\s*range\(\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?(?:,\s*(-?\d+)\s*)?\)\s*(?:\|\s*list\s*)?\}\}$/.exec(loop.trim());
    if (range) {
      const [a, b, c] = range.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
      const [start, stop, step] = b === undefined ? [0, a!, 1] : [a!, b, c ?? 1];
      if (step === 0) throw new TemplateError("range() step must not be zero", "a step such as 1 or -1");
      const out: number[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
      return out;
    }
    const ref = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*(?:\|\s*list\s*)?\}\}$/.exec(loop.trim());
    if (ref) {
      let value: unknown = vars;
      for (const part of ref[1].split(".")) {
        if (value === null || typeof value !== "object" || !(part in (value as object))) {
          throw new TemplateError(`loop variable '${ref[1]}' is not defined`, `one of: ${Object.keys(vars).sort().join(", ")}`);
        }
        value = (value as Record<string, unknown>)[part];
      }
      if (!Array.isArray(value)) throw new TemplateError(`loop variable '${ref[1]}' is not a list`, "a variable that holds a list");
      return value;
    }
    throw new TemplateError("unsupported loop expression", 'a YAML list, "{{ range(1, 41)|list }}" or "{{ some_list }}"');
  }
}

function toTemplateError(e: Error, template: string, vars: Record<string, unknown>): TemplateError {
  if (/not defined in/.test(e.message)) {
    const missing = firstUndefinedPath(template, vars);
    if (missing) {
      const [head, ...rest] = missing.split(".");
      if (rest.length && head in vars) {
        const fields = Object.keys((vars[head] as object) ?? {}).sort();
        return new TemplateError(`template variable '${missing}' is not defined`, `a field of ${head}: ${fields.join(", ")}`);
      }
      return new TemplateError(`template variable '${missing}' is not defined`, `one of: ${Object.keys(vars).sort().join(", ")}`);
    }
  }
  const firstLine = e.message.split("\n")[0];
  return new TemplateError(
    `template cannot be read: ${firstLine}`,
    `Jinja-style variables such as {{ kafka.url }} (filters are not supported) in ${JSON.stringify(template)}`,
  );
}

/** Handlebars names only the last segment it missed; walk the template to name the whole path. */
function firstUndefinedPath(template: string, vars: Record<string, unknown>): string | undefined {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== "object") return;
    const n = node as { type?: string; original?: string; parts?: string[]; data?: boolean; this?: boolean };
    if (n.type === "PathExpression" && !n.data && !n.this && n.parts?.length) {
      let value: unknown = vars;
      for (const part of n.parts) {
        if (value === null || typeof value !== "object" || !(part in (value as object))) {
          found.push(n.original ?? n.parts.join("."));
          return;
        }
        value = (value as Record<string, unknown>)[part];
      }
      return;
    }
    const call = node as { type?: string; params?: unknown[]; path?: unknown };
    const isCall = (call.type === "MustacheStatement" || call.type === "SubExpression" || call.type === "BlockStatement") && (call.params?.length ?? 0) > 0;
    for (const [k, v] of Object.entries(node)) {
      if (isCall && k === "path") continue; // a helper's name, not a variable

      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object") visit(v);
    }
  };
  visit(Handlebars.parse(template));
  return found[0];
}
