import * as fs from "fs";
import * as path from "path";
import { Diagnostics } from "../model/diagnostic";
import { PlayDecl, TaskDecl } from "../model/scenarioTypes";
import { PathSegment } from "../model/yamlSource";
import { percentFormat, pyRepr, pyStr } from "./jinja/ansibleFilters";
import { JinjaRenderer, TemplateError } from "./jinja/jinjaRenderer";
import { RenderedTask } from "./planTypes";

/** What the tasks of one play see on one host, and what earlier tasks of the play left behind. */
export interface TaskScope {
  /** Every variable before play and task vars (host, groupings, Ansible's magic variables). */
  vars: Record<string, unknown>;
  /** E2Clab's extra vars, which win over play and task vars (Ansible's precedence). */
  extraVars: Record<string, unknown>;
  /** Facts set by earlier set_fact tasks of this play run. */
  facts: Record<string, unknown>;
  /** Names registered by earlier tasks: their values exist only on the host. */
  registered: Map<string, string>;
  scenarioDir: string;
}

/** Reports a template or task problem once, at the file:line:col of the construct. */
export type Report = (e: TemplateError, t: TaskDecl, rel: PathSegment[], value: unknown) => void;

export function reporter(diags: Diagnostics): Report {
  const seen = new Set<string>();
  return (e, t, rel, value) => {
    const location = t.locateIn(rel, e.line, e.col);
    const key = `${location.file}:${location.line}:${location.col}:${e.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diags.add({ location, message: e.message, value: JSON.stringify(value), expected: e.expected });
  };
}

/** Play-level vars, each templated with what is defined before it (Ansible templates vars lazily). */
export function playVars(play: PlayDecl, vars: Record<string, unknown>, r: JinjaRenderer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(play.vars)) out[k] = r.evaluateValue(v, { ...vars, ...out });
  return out;
}

/**
 * Compiles one task for one host into what the host runs: the module's effect at plan time (debug,
 * set_fact), or shell commands, copies and fetches with the task's keywords applied (`when`, `vars`,
 * loops, `environment`, `become`, `chdir`, `ignore_errors`). Anything that needs a value only the host
 * knows is an error naming the construct and its place.
 */
export function compileTask(t: TaskDecl, play: PlayDecl, scope: TaskScope, r: JinjaRenderer, report: Report, index = 0): RenderedTask[] {
  const fail = (e: unknown, rel: PathSegment[], value: unknown): undefined => {
    if (!(e instanceof TemplateError)) throw e;
    const head = /template variable '([A-Za-z_][A-Za-z0-9_]*)/.exec(e.message)?.[1];
    if (head && scope.registered.has(head)) {
      report(
        new TemplateError(
          `'${head}' is registered by the task at ${scope.registered.get(head)}: its value exists only on the host, so this cannot be decided before deploying`,
          "a value known at plan time, or the command that uses the result written in the same shell task",
          e.line,
          e.col,
        ),
        t,
        rel,
        value,
      );
    } else report(e, t, rel, value);
    return undefined;
  };
  if (t.register) scope.registered.set(t.register, `${t.location.file}:${t.location.line}:${t.location.col}`);

  const base = { ...scope.vars, ...scope.facts };
  let taskVars: Record<string, unknown> = {};
  try {
    for (const [k, v] of Object.entries(t.vars)) taskVars[k] = r.evaluateValue(v, { ...base, ...taskVars });
  } catch (e) {
    return fail(e, ["vars"], t.vars) ?? [];
  }
  const vars = { ...base, ...taskVars, ...scope.extraVars };

  let items: unknown[] | undefined;
  if (t.loop !== undefined) {
    try {
      items = loopItems(t, vars, r);
    } catch (e) {
      return fail(e, [t.loopKind!], t.loop) ?? [];
    }
  }
  const loopVar = t.loopControl?.loopVar ?? "item";
  const out: RenderedTask[] = [];
  const runs = items === undefined ? [undefined] : items.map((x, i) => ({ x, i }));
  for (const run of runs) {
    const v: Record<string, unknown> = { ...vars };
    if (run) {
      v[loopVar] = run.x;
      if (t.loopControl?.indexVar) v[t.loopControl.indexVar] = run.i;
      if (t.loopControl?.extended) {
        const n = items!.length;
        v.ansible_loop = {
          index: run.i + 1,
          index0: run.i,
          revindex: n - run.i,
          revindex0: n - run.i - 1,
          first: run.i === 0,
          last: run.i === n - 1,
          length: n,
          allitems: items,
          ...(run.i > 0 ? { previtem: items![run.i - 1] } : {}),
          ...(run.i < n - 1 ? { nextitem: items![run.i + 1] } : {}),
        };
      }
    }
    if (t.when !== undefined) {
      let pass: boolean | undefined;
      try {
        pass = conditions(t.when).every((c) => truthy(typeof c === "string" ? r.evaluate(c, v) : c));
      } catch (e) {
        return fail(e, ["when"], t.when) ?? [];
      }
      if (!pass) continue;
    }
    const item = run ? pyStr(run.x) : undefined;
    let compiled: RenderedTask[] | undefined;
    try {
      compiled = compileModule(t, play, v, r, scope, item);
      const record = { task: index, module: t.module, args: ansibleArgs(t, v, r) };
      compiled = compiled.map((c) => ({ ...c, ansible: record }));
    } catch (e) {
      if (e instanceof ArgError) return fail(e.error, e.rel, e.value) ?? [];
      return fail(e, [t.moduleKey], t.args) ?? [];
    }
    out.push(...compiled);
  }
  return out;
}

/** The module's arguments as Ansible renders them (for workflow-validate and the E2Clab comparison). */
function ansibleArgs(t: TaskDecl, v: Record<string, unknown>, r: JinjaRenderer): unknown {
  if (t.module === "debug") {
    if (t.args.var !== undefined) {
      // Compared as `msg: "{{ var }}"`, which renders the value as Ansible shows it.
      try {
        return r.evaluateValue(`{{ ${String(t.args.var)} }}`, v);
      } catch {
        return "VARIABLE IS NOT DEFINED!";
      }
    }
    return t.args.msg === undefined ? "Hello world!" : r.evaluateValue(t.args.msg, v);
  }
  const args = r.evaluateValue(t.args, v) as Record<string, unknown>;
  return t.free !== undefined ? { _raw_params: r.evaluateValue(t.free, v), ...args } : args;
}

class ArgError extends Error {
  constructor(
    readonly error: TemplateError,
    readonly rel: PathSegment[],
    readonly value: unknown,
  ) {
    super(error.message);
  }
}

function conditions(when: unknown): unknown[] {
  return Array.isArray(when) ? when : [when];
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === "object") return Object.keys(v).length > 0;
  if (typeof v === "string") return ["true", "yes", "on", "1"].includes(v.trim().toLowerCase()) || (v.trim() !== "" && !["false", "no", "off", "0"].includes(v.trim().toLowerCase()) && Boolean(v));
  return Boolean(v);
}

function loopItems(t: TaskDecl, vars: Record<string, unknown>, r: JinjaRenderer): unknown[] {
  if (t.loopKind === "with_sequence") return withSequence(String(r.evaluateValue(t.loop, vars)));
  const value = r.evaluateValue(t.loop, vars);
  if (t.loopKind === "with_items") {
    // with_items flattens one level and takes a lone value as a one-item list.
    return Array.isArray(value) ? value.flatMap((x) => (Array.isArray(x) ? x : [x])) : [value];
  }
  if (!Array.isArray(value)) {
    throw new TemplateError(`${t.loopKind} is not a list (got ${pyRepr(value)})`, 'a list, such as "{{ range(1, 41)|list }}" or a YAML list');
  }
  return value;
}

/** Ansible's with_sequence: `start=1 end=10 stride=2 format=host%02d`, `count=5`, or `1-10/2:host%02d`; items are strings. */
export function withSequence(spec: string): string[] {
  const o: Record<string, string> = {};
  const short = /^\s*(?:(-?\w+)-)?(-?\w+)(?:\/(\w+))?(?::(.+))?\s*$/.exec(spec);
  if (!spec.includes("=") && short) {
    if (short[1] !== undefined) o.start = short[1];
    o.end = short[2];
    if (short[3]) o.stride = short[3];
    if (short[4]) o.format = short[4];
  } else {
    for (const m of spec.matchAll(/(\w+)=("[^"]*"|'[^']*'|\S+)/g)) o[m[1]] = m[2].replace(/^["']|["']$/g, "");
  }
  const num = (s: string) => (/^-?0x/i.test(s) ? parseInt(s, 16) : /^-?0o?[0-7]+$/.test(s) && s.replace("-", "").startsWith("0") && s !== "0" ? parseInt(s.replace("0o", ""), 8) : Number(s));
  const start = o.start === undefined ? 1 : num(o.start);
  const stride = o.stride === undefined ? 1 : num(o.stride);
  let end: number;
  if (o.count !== undefined) {
    if (o.end !== undefined) throw new TemplateError("with_sequence takes count or end, not both", "count=N or end=N");
    end = start + (num(o.count) - 1) * stride;
  } else if (o.end !== undefined) end = num(o.end);
  else throw new TemplateError(`with_sequence needs end or count (got ${JSON.stringify(spec)})`, "start=1 end=10, or count=10");
  if ([start, end, stride].some((x) => !Number.isFinite(x))) throw new TemplateError(`with_sequence cannot read ${JSON.stringify(spec)}`, "numbers for start, end, stride, count");
  const fmt = o.format ?? "%d";
  const out: string[] = [];
  if (stride > 0) for (let i = start; i <= end; i += stride) out.push(percentFormat(fmt, [i]));
  else if (stride < 0) for (let i = start; i >= end; i += stride) out.push(percentFormat(fmt, [i]));
  else throw new TemplateError("with_sequence stride must not be zero", "a stride such as 1 or -1");
  return out;
}

/** POSIX shell quoting. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\"'\"'") + "'";
}

/** Python's shlex.split (POSIX mode), as Ansible's command module splits its free form. */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) throw new TemplateError("command has an unclosed quote", "balanced quotes");
      cur += s.slice(i + 1, j);
      i = j;
      inWord = true;
    } else if (c === '"') {
      i++;
      for (; i < s.length && s[i] !== '"'; i++) {
        if (s[i] === "\\" && i + 1 < s.length && '"\\$`\n'.includes(s[i + 1])) i++;
        cur += s[i];
      }
      if (i >= s.length) throw new TemplateError("command has an unclosed quote", "balanced quotes");
      inWord = true;
    } else if (c === "\\" && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

function compileModule(t: TaskDecl, play: PlayDecl, v: Record<string, unknown>, r: JinjaRenderer, scope: TaskScope, item: string | undefined): RenderedTask[] {
  const arg = (key: string): unknown => {
    if (t.args[key] === undefined) return undefined;
    try {
      return r.evaluateValue(t.args[key], v);
    } catch (e) {
      if (e instanceof TemplateError) throw new ArgError(e, [t.moduleKey, key], t.args[key]);
      throw e;
    }
  };
  const str = (key: string): string | undefined => {
    const x = arg(key);
    return x === undefined || x === null ? undefined : pyStr(x);
  };
  const shell = (command: string): RenderedTask[] => [{ kind: "shell", command: wrap(command, t, play, v, r), async: t.async, poll: t.poll, item }];
  switch (t.module) {
    case "debug": {
      if (t.args.var !== undefined) {
        const name = String(t.args.var);
        let value: unknown;
        try {
          value = r.evaluate(name, v);
        } catch (e) {
          if (e instanceof TemplateError && /is not defined/.test(e.message)) value = "VARIABLE IS NOT DEFINED!";
          else throw new ArgError(e as TemplateError, [t.moduleKey, "var"], name);
        }
        return [{ kind: "debug", msg: `${name}: ${pyRepr(value)}`, item }];
      }
      const msg = t.args.msg === undefined ? "Hello world!" : arg("msg");
      return [{ kind: "debug", msg: pyStr(msg), item }];
    }
    case "set_fact":
      for (const key of Object.keys(t.args)) scope.facts[key] = arg(key);
      return [];
    case "shell":
    case "command": {
      let command: string;
      if (t.args.argv !== undefined) {
        const argv = arg("argv");
        if (!Array.isArray(argv)) throw new ArgError(new TemplateError("argv is not a list", "a list of arguments"), [t.moduleKey, "argv"], t.args.argv);
        command = argv.map((a) => shq(pyStr(a))).join(" ");
      } else {
        let text: string;
        try {
          text = r.render(t.free!, v);
        } catch (e) {
          if (!(e instanceof TemplateError)) throw e;
          throw new ArgError(e, t.freePath ?? [t.moduleKey], t.free);
        }
        command = t.module === "command" ? shlexSplit(text).map(shq).join(" ") : text;
      }
      const exe = str("executable");
      if (exe !== undefined && t.module === "shell") command = `${shq(exe)} -c ${shq(command)}`;
      const stdin = str("stdin");
      if (stdin !== undefined) command = `printf '%s\\n' ${shq(stdin)} | { ${command}\n}`;
      const chdir = str("chdir");
      if (chdir !== undefined) command = `cd ${shq(chdir)} && { ${command}\n}`;
      const creates = str("creates");
      if (creates !== undefined) command = `[ -e ${shq(creates)} ] || { ${command}\n}`;
      const removes = str("removes");
      if (removes !== undefined) command = `[ ! -e ${shq(removes)} ] || { ${command}\n}`;
      return shell(command);
    }
    case "copy": {
      const dest = str("dest")!;
      const mode = modeOf(arg("mode"));
      if (t.args.content !== undefined) {
        const content = pyStr(arg("content"));
        return shell(`printf '%s' ${shq(content)} > ${shq(dest)}` + (mode ? ` && chmod ${mode} ${shq(dest)}` : ""));
      }
      const src = str("src")!;
      const out: RenderedTask[] = [{ kind: "copy", src, dest, item }];
      if (mode) out.push(...shell(`chmod ${mode} ${shq(dest.endsWith("/") ? dest + path.posix.basename(src) : dest)}`));
      return out;
    }
    case "fetch": {
      const flat = arg("flat");
      return [{ kind: "fetch", src: str("src")!, dest: str("dest")!, flat: flat === true || flat === "yes" || flat === "true", item }];
    }
    case "template": {
      const src = str("src")!;
      const file = path.isAbsolute(src) ? src : path.join(scope.scenarioDir, "templates", src);
      if (!fs.existsSync(file)) {
        throw new ArgError(new TemplateError(`template file ${file} does not exist`, "an absolute path, or a file in the scenario's templates/ folder"), [t.moduleKey, "src"], t.args.src);
      }
      const content = r.render(fs.readFileSync(file, "utf8"), v);
      const dest = str("dest")!;
      const mode = modeOf(arg("mode"));
      return shell(`printf '%s' ${shq(content)} > ${shq(dest)}` + (mode ? ` && chmod ${mode} ${shq(dest)}` : ""));
    }
    case "file": {
      const p = str("path") ?? str("dest") ?? str("name")!;
      const state = str("state") ?? "file";
      const mode = modeOf(arg("mode"));
      const recurse = arg("recurse") === true ? "-R " : "";
      const chmod = mode ? ` && chmod ${recurse}${mode} ${shq(p)}` : "";
      switch (state) {
        case "directory":
          return shell(`mkdir -p ${shq(p)}${chmod}`);
        case "absent":
          return shell(`rm -rf ${shq(p)}`);
        case "touch":
          return shell(`touch ${shq(p)}${chmod}`);
        case "link":
          return shell(`ln -sfn ${shq(str("src") ?? "")} ${shq(p)}`);
        case "hard":
          return shell(`ln -f ${shq(str("src") ?? "")} ${shq(p)}`);
        case "file":
          return shell(`test -e ${shq(p)}${chmod}`);
        default:
          throw new ArgError(new TemplateError(`file state ${state} is not supported`, "one of: file, directory, absent, touch, link, hard"), [t.moduleKey, "state"], t.args.state);
      }
    }
    case "wait_for": {
      const timeout = Number(arg("timeout") ?? 300);
      const delay = Number(arg("delay") ?? 0);
      const sleep = Number(arg("sleep") ?? 1);
      const state = str("state") ?? "started";
      const absent = state === "stopped" || state === "absent";
      let test: string | undefined;
      const port = arg("port");
      const p = str("path");
      if (port !== undefined) {
        const host = str("host") ?? "127.0.0.1";
        test = `(exec 3<>/dev/tcp/${host}/${Number(port)}) 2>/dev/null`;
      } else if (p !== undefined) {
        const re = str("search_regex");
        test = re !== undefined ? `grep -qE ${shq(re)} ${shq(p)} 2>/dev/null` : `[ -e ${shq(p)} ]`;
      }
      const pre = delay > 0 ? `sleep ${delay}; ` : "";
      if (test === undefined) return shell(`${pre}sleep ${timeout}`);
      const loop = absent ? `while ${test}; do sleep ${sleep}; done` : `until ${test}; do sleep ${sleep}; done`;
      return shell(`${pre}timeout ${timeout} bash -c ${shq(loop)}`);
    }
  }
}

/** A file mode as Ansible reads it: YAML's 0644 arrives as the number 420, so numbers are shown in octal. */
function modeOf(mode: unknown): string | undefined {
  if (mode === undefined || mode === null) return undefined;
  if (typeof mode === "number") return mode.toString(8).padStart(4, "0");
  return shq(String(mode));
}

/** The task's and play's `environment`, `become` and `ignore_errors` around a shell command. */
function wrap(command: string, t: TaskDecl, play: PlayDecl, v: Record<string, unknown>, r: JinjaRenderer): string {
  const env = { ...envOf(play.environment, v, r), ...envOf(t.environment, v, r) };
  let out = command;
  const exports = Object.entries(env).map(([k, x]) => `export ${k}=${shq(pyStr(x))}`);
  if (exports.length) out = `${exports.join("; ")}; ${out}`;
  const become = t.become || play.become;
  if (become) {
    const user = t.becomeUser ?? play.becomeUser ?? "root";
    out = `sudo -n -u ${shq(user)} -- bash -c ${shq(out)}`;
  } else if (exports.length) out = `( ${out}\n)`;
  if (t.ignoreErrors) out = `{ ${out}\n} || true`;
  return out;
}

function envOf(environment: unknown, v: Record<string, unknown>, r: JinjaRenderer): Record<string, unknown> {
  if (environment === undefined || environment === null) return {};
  const value = r.evaluateValue(environment, v);
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new TemplateError(`environment is not a mapping (got ${pyRepr(value)})`, "a mapping of environment variables");
  }
  return value as Record<string, unknown>;
}
