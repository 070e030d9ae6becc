import { Diagnostics } from "./diagnostic";
import { TaskDecl } from "./scenarioTypes";
import { PathSegment, YamlSource } from "./yamlSource";

/**
 * Ansible task syntax, as far as a plan can decide it: the module (short or fully qualified name), its
 * arguments (a mapping, `k=v` text, or a free-form command), and the task keywords. A keyword or module
 * this project cannot decide before deploying is an error naming it and its line, never ignored.
 */
export const MODULES = ["debug", "shell", "command", "copy", "fetch", "template", "file", "wait_for", "set_fact"] as const;
export type ModuleName = (typeof MODULES)[number];

/** Keywords with their meaning implemented (see planner/ansibleTasks.ts). */
const KEYWORDS = new Set([
  "name",
  "when",
  "vars",
  "loop",
  "with_items",
  "with_list",
  "with_sequence",
  "loop_control",
  "environment",
  "become",
  "become_user",
  "args",
  "async",
  "poll",
  "register",
  "ignore_errors",
  "changed_when",
  "failed_when",
  "tags",
  "no_log",
]);

/** Keywords Ansible has whose effect depends on the hosts or the run, refused with a reason. */
const REFUSED: Record<string, string> = {
  delegate_to: "runs the task on another host than the play's",
  run_once: "depends on Ansible's host batches",
  until: "retries on a result known only on the host",
  retries: "retries on a result known only on the host",
  notify: "handlers are not part of E2Clab workflows here",
  block: "blocks are not supported; write the tasks one by one",
  include_tasks: "includes a file of tasks known only when Ansible runs",
  import_tasks: "includes a file of tasks known only when Ansible runs",
  local_action: "runs on the deploying machine",
  with_fileglob: "reads the deploying machine's files",
  with_file: "reads the deploying machine's files",
  with_dict: "use loop: \"{{ mapping | dict2items }}\"",
  with_nested: "use loop with the product filter",
};

const PREFIXES = ["ansible.builtin.", "ansible.legacy."];

function moduleOf(key: string): ModuleName | undefined {
  const short = PREFIXES.reduce((k, p) => (k.startsWith(p) ? k.slice(p.length) : k), key);
  return (MODULES as readonly string[]).includes(short) ? (short as ModuleName) : undefined;
}

const RAW_OPTIONS = /(?:^|\s)(chdir|creates|removes|executable|stdin)=("[^"]*"|'[^']*'|\S+)/g;

/** shell/command free-form text: Ansible takes out its `chdir=`, `creates=`... options, the rest is the command. */
export function splitFreeForm(text: string): { free: string; args: Record<string, string> } {
  const args: Record<string, string> = {};
  const free = text.replace(RAW_OPTIONS, (_m, k: string, v: string) => {
    args[k] = /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v;
    return "";
  });
  return { free: Object.keys(args).length ? free.trim() : text, args };
}

/** Ansible's `k=v` argument text (parse_kv), with quoted values. */
export function parseKeyValues(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  const tokens = text.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')+/g) ?? [];
  for (const tok of tokens) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(tok);
    if (!m) continue;
    let v = m[2];
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    args[m[1]] = v;
  }
  return args;
}

export function readTask(t: unknown, path: PathSegment[], src: YamlSource, diags: Diagnostics): TaskDecl | undefined {
  const location = src.locate(path);
  if (!t || typeof t !== "object" || Array.isArray(t)) {
    diags.add({ location, message: "a task must be a mapping", expected: "a task such as - shell: \"echo hi\"" });
    return undefined;
  }
  const task = t as Record<string, unknown>;
  const modules: [string, ModuleName][] = [];
  let ok = true;
  for (const key of Object.keys(task)) {
    const m = moduleOf(key);
    if (m) modules.push([key, m]);
    else if (REFUSED[key]) {
      diags.add({ location: src.locateKey(path, key), message: `task keyword '${key}' cannot be decided before deploying: it ${REFUSED[key]}`, expected: "tasks whose effect is known at plan time" });
      ok = false;
    } else if (!KEYWORDS.has(key)) {
      diags.add({
        location: src.locateKey(path, key),
        message: `unknown key '${key}' in ${path.join(".")}`,
        expected: `a module (${MODULES.join(", ")}, also as ansible.builtin.<name>) or a keyword (${[...KEYWORDS].join(", ")})`,
      });
      ok = false;
    }
  }
  if (modules.length !== 1) {
    diags.add({
      location,
      message: modules.length === 0 ? "task has no action" : `task has several actions (${modules.map(([k]) => k).join(", ")})`,
      expected: `exactly one of ${MODULES.join(", ")}`,
    });
    return undefined;
  }
  if (!ok) return undefined;
  const [moduleKey, module] = modules[0];
  let raw = task[moduleKey];
  let free: string | undefined;
  let freePath: PathSegment[] | undefined;
  let args: Record<string, unknown> = {};
  const freeForm = module === "shell" || module === "command";
  if (typeof raw === "string") {
    if (freeForm) {
      ({ free, args } = splitFreeForm(raw));
      freePath = [moduleKey];
    }
    else args = parseKeyValues(raw);
  } else if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    args = { ...(raw as Record<string, unknown>) };
    if (freeForm && typeof args.cmd === "string") {
      free = args.cmd;
      freePath = [moduleKey, "cmd"];
      delete args.cmd;
    }
  } else if (raw === null && module === "debug") {
    raw = {};
  } else {
    diags.add({ location: src.locate([...path, moduleKey]), message: `wrong arguments for ${module}`, value: JSON.stringify(raw), expected: "a mapping of arguments or key=value text" });
    return undefined;
  }
  if (task.args && typeof task.args === "object") args = { ...(task.args as Record<string, unknown>), ...args };
  if (freeForm && (free === undefined || free === "") && args.argv === undefined) {
    diags.add({ location: src.locate([...path, moduleKey]), message: `${module} without a command`, expected: `${module}: "the command line", or ${module}: {cmd: ...}` });
    return undefined;
  }
  const checked = checkModuleArgs(module, args, free, task, path, moduleKey, src, diags);
  if (!checked) return undefined;

  const loopKey = (["loop", "with_items", "with_list", "with_sequence"] as const).filter((k) => task[k] !== undefined);
  if (loopKey.length > 1) {
    diags.add({ location: src.locateKey(path, loopKey[1]), message: `task has several loops (${loopKey.join(", ")})`, expected: "one of loop, with_items, with_list, with_sequence" });
    return undefined;
  }
  const num = (key: string, min: number): number | undefined => {
    const v = task[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      diags.add({ location: src.locate([...path, key]), message: `invalid value for ${path.join(".")}.${key}`, value: JSON.stringify(v), expected: `a whole number of seconds, at least ${min}` });
      return undefined;
    }
    return v;
  };
  const asyncSeconds = num("async", 1);
  const poll = num("poll", 0);
  if (task.poll !== undefined && task.async === undefined) {
    diags.add({ location: src.locate([...path, "poll"]), message: "poll without async", expected: "async: <seconds> beside poll" });
  }
  if (task.async !== undefined && !freeForm) {
    diags.add({ location: src.locate([...path, "async"]), message: `async on a ${module} task`, expected: "async only on shell and command tasks" });
  }
  for (const key of ["changed_when", "failed_when"] as const) {
    const v = task[key];
    // Only the constant forms are decidable: the others read the task's result, known on the host.
    if (v !== undefined && v !== false && v !== "false" && v !== "False" && !(key === "changed_when" && (v === true || v === "true"))) {
      diags.add({ location: src.locate([...path, key]), message: `${key} on the task's result cannot be decided before deploying`, value: JSON.stringify(v), expected: `${key}: false` });
    }
  }
  const loopControl = task.loop_control as Record<string, unknown> | undefined;
  if (loopControl !== undefined) {
    const allowed = ["loop_var", "index_var", "label", "extended"];
    for (const k of Object.keys(loopControl ?? {})) {
      if (!allowed.includes(k)) {
        diags.add({ location: src.locateKey([...path, "loop_control"], k), message: `loop_control.${k} is not supported`, expected: `one of: ${allowed.join(", ")}` });
      }
    }
  }
  return {
    module,
    args,
    free,
    freePath,
    moduleKey,
    when: task.when,
    vars: (task.vars as Record<string, unknown> | undefined) ?? {},
    loop: loopKey.length ? task[loopKey[0]] : undefined,
    loopKind: loopKey[0],
    loopControl: loopControl
      ? {
          loopVar: typeof loopControl.loop_var === "string" ? loopControl.loop_var : undefined,
          indexVar: typeof loopControl.index_var === "string" ? loopControl.index_var : undefined,
          extended: loopControl.extended === true,
        }
      : undefined,
    environment: task.environment,
    become: task.become === true || task.become === "yes" || task.become === "true",
    becomeUser: typeof task.become_user === "string" ? task.become_user : undefined,
    ignoreErrors: task.ignore_errors === true || task.ignore_errors === "yes" || task.failed_when === false || task.failed_when === "false",
    register: typeof task.register === "string" ? task.register : undefined,
    async: asyncSeconds,
    poll,
    name: typeof task.name === "string" ? task.name : undefined,
    location,
    path,
    locateIn: (rel: PathSegment[], line?: number, col?: number) => src.locateInScalar([...path, ...rel], line, col),
  };
}

function checkModuleArgs(
  module: ModuleName,
  args: Record<string, unknown>,
  free: string | undefined,
  task: Record<string, unknown>,
  path: PathSegment[],
  moduleKey: string,
  src: YamlSource,
  diags: Diagnostics,
): boolean {
  const allowed: Record<ModuleName, string[]> = {
    debug: ["msg", "var", "verbosity"],
    shell: ["chdir", "creates", "removes", "executable", "stdin"],
    command: ["chdir", "creates", "removes", "stdin", "argv"],
    copy: ["src", "dest", "content", "mode", "owner", "group", "force", "remote_src"],
    fetch: ["src", "dest", "flat", "validate_checksum", "fail_on_missing"],
    template: ["src", "dest", "mode", "owner", "group"],
    file: ["path", "dest", "name", "state", "mode", "src", "owner", "group", "recurse", "force"],
    wait_for: ["host", "port", "path", "state", "timeout", "delay", "sleep", "search_regex"],
    set_fact: [],
  };
  const required: Partial<Record<ModuleName, string[][]>> = {
    copy: [["dest"], ["src", "content"]],
    fetch: [["src"], ["dest"]],
    template: [["src"], ["dest"]],
    file: [["path", "dest", "name"]],
    wait_for: [["port", "path", "timeout"]],
  };
  let ok = true;
  if (module !== "set_fact") {
    for (const k of Object.keys(args)) {
      if (!allowed[module].includes(k)) {
        diags.add({ location: src.locateKey([...path, moduleKey], k), message: `unknown argument '${k}' of ${module}`, expected: `one of: ${allowed[module].join(", ")}` });
        ok = false;
      }
    }
  }
  for (const group of required[module] ?? []) {
    if (!group.some((k) => args[k] !== undefined)) {
      diags.add({ location: src.locate([...path, moduleKey]), message: `${module} needs ${group.join(" or ")}`, expected: `${group[0]}: ...` });
      ok = false;
    }
  }
  if (module === "debug" && args.msg !== undefined && args.var !== undefined) {
    diags.add({ location: src.locate([...path, moduleKey]), message: "debug takes msg or var, not both", expected: "one of msg, var" });
    ok = false;
  }
  if (module === "copy" && args.remote_src) {
    diags.add({ location: src.locate([...path, moduleKey, "remote_src"]), message: "copy with remote_src is not supported", expected: "a shell task: cp src dest" });
    ok = false;
  }
  void task;
  void free;
  return ok;
}
