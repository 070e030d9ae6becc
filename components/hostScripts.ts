import * as path from "path";
import { RenderedTask, RUN_DIR_VAR, WorkflowStep } from "../planner/planTypes";
import { RECORD_FN, fileTag, hostPrelude, hostWorkDir, shq } from "./shell";

/**
 * Pure renderers of the scripts the components send to hosts. Kept free of Pulumi so the tests can read
 * exactly what a host will run, and so the destroy-time scripts can be checked on their own.
 */

/** Where the `n`-th copy task of a step is uploaded before the step's command installs it. */
export function stagedCopyPath(experimentId: string, stepId: string, n: number): string {
  return `${hostWorkDir(experimentId)}/stage/${fileTag(stepId)}-${n}`;
}

/** Log/pid tag of a detached task: unique per step, task and loop item. */
export function detachedTag(stepId: string, n: number, item?: string): string {
  return `${fileTag(stepId)}-t${n}${item !== undefined ? `-i${fileTag(item)}` : ""}`;
}

/**
 * Runs inside a detached task's `timeout` (which must stay the session leader: it signals its own process
 * group), then records `<UTC time> <status>` in the exit file, written then renamed so a reader never sees
 * half a line. It outlives a SIGTERM to its group (`trap :`; the task itself still gets the signal, since
 * caught signals are reset in children) so even a stopped task's status is recorded. Exits with the task's
 * status. Arguments: command, exit file.
 */
const EXIT_RECORDER =
  'trap : TERM; bash -c "$1"; rc=$?; printf "%s %s\\n" "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$rc" > "$2.tmp" && mv "$2.tmp" "$2"; exit $rc';

const STEP_FNS = [
  RECORD_FN,
  // Synchronous task: bounded by `timeout`, stops the step on the first failure (as Ansible stops a play).
  "e2c_sync() {",
  '  timeout "$2" bash -c "$3" </dev/null; local rc=$?',
  '  e2c_record "$STEP" "$1" "rc=$rc"',
  '  if [ $rc -ne 0 ]; then echo "task $1 of $STEP failed (exit $rc): $3" >&2; exit $rc; fi',
  "}",
  // Detached task: own session (never tied to the SSH channel), all output to a log, killed at its limit.
  // The log is appended to: a task started again (a restart, a restored host) keeps its earlier output.
  "E2C_PIDS=()",
  // Its exit time and status go to exits/<tag>.exit (the stop and the run watcher read them): a task that
  // ended before the run's end is evidence of the run's health. The wrapper exits with the task's status.
  "e2c_detach() {",
  '  mkdir -p "$D/exits"',
  `  setsid nohup timeout "$2" bash -c '${EXIT_RECORDER}' e2c-task "$4" "$D/exits/$3.exit" </dev/null >>"$D/log/$3.log" 2>&1 &`,
  '  local pid=$!',
  '  echo "$pid" > "$D/pids/$3.pid"',
  '  E2C_PIDS+=("$pid:$3")',
  '  e2c_record "$STEP" "$1" "detached pid=$pid limit=$2s log=$D/log/$3.log"',
  "}",
  // A detached task that dies at once (missing binary, bad arguments) fails the step instead of passing silently.
  "e2c_check_detached() {",
  '  [ ${#E2C_PIDS[@]} -eq 0 ] && return 0',
  "  sleep 1",
  "  local bad=0 e pid tag rc",
  '  for e in "${E2C_PIDS[@]}"; do',
  '    pid=${e%%:*}; tag=${e#*:}',
  '    if ! kill -0 "$pid" 2>/dev/null; then',
  '      wait "$pid"; rc=$?',
  '      if [ $rc -ne 0 ]; then echo "detached task $tag exited at once (exit $rc):" >&2; tail -n 20 "$D/log/$tag.log" >&2; bad=1; fi',
  "    fi",
  "  done",
  "  return $bad",
  "}",
].join("\n");

/**
 * The ONE command of a prepare or launch step: staged copies are installed first (see `copyInstall`),
 * then debug and shell tasks in order, loop items already expanded by the planner.
 */
export function stepScript(step: WorkflowStep, experimentId: string, syncTaskSeconds: number): string {
  const lines = [hostPrelude(experimentId), `STEP=${shq(step.id)}`, STEP_FNS];
  if (step.phase === "launch") {
    // A relaunch (changed step) first ends what the previous version of this step started.
    lines.push(
      `for f in "$D"/pids/${fileTag(step.id)}-t*.pid; do [ -e "$f" ] || continue; kill -TERM -- -"$(cat "$f")" 2>/dev/null; rm -f "$f"; done`,
    );
  }
  lines.push(`echo "== $STEP on $(hostname)"`);
  step.tasks.forEach((task, n) => {
    if (task.kind === "copy") lines.push(copyInstall(task, stagedCopyPath(experimentId, step.id, n), n));
  });
  step.tasks.forEach((task, n) => {
    const line = taskLine(step, task, n, syncTaskSeconds);
    if (line) lines.push(line);
  });
  lines.push("e2c_check_detached || exit 1");
  return lines.join("\n");
}

/**
 * Starts one detached task of a launch step again, under the same tag (so the stop ends it as any other):
 * what a scheduled restart of an application does once the old one is gone.
 */
export function relaunchScript(step: WorkflowStep, n: number, experimentId: string): string {
  const task = step.tasks[n];
  if (task.kind !== "shell" || task.async === undefined) throw new Error(`task ${n} of ${step.id} is not a detached task`);
  return [hostPrelude(experimentId), `STEP=${shq(step.id)}`, STEP_FNS, `e2c_detach ${n} ${task.async} ${shq(detachedTag(step.id, n, task.item))} ${shq(task.command)}`, "e2c_check_detached || exit 1"].join("\n");
}

function taskLine(step: WorkflowStep, task: RenderedTask, n: number, syncTaskSeconds: number): string | undefined {
  switch (task.kind) {
    case "debug":
      return `echo ${shq(task.msg)}; e2c_record "$STEP" ${n} ${shq("debug: " + task.msg)}`;
    case "shell":
      if (task.async !== undefined && (task.poll ?? 15) === 0) {
        return `e2c_detach ${n} ${task.async} ${shq(detachedTag(step.id, n, task.item))} ${shq(task.command)}`;
      }
      // Ansible's async with poll > 0 waits for the task, within its async limit.
      return `e2c_sync ${n} ${task.async ?? syncTaskSeconds} ${shq(task.command)}`;
    case "copy":
      return undefined;
    case "fetch":
      // Fetches only make sense at destroy (finalize); anywhere else the planner would have refused them.
      return `echo ${shq(`fetch ${task.src} is collected at destroy`)}`;
  }
}

/**
 * Installs one staged copy with Ansible's `copy` meaning: `src/` copies the folder's content into dest,
 * `src` (a folder) copies the folder itself into dest, a file goes to dest or into it when dest ends in `/`.
 * The staged upload is removed after so a later re-upload lands at the same path.
 */
export function copyInstall(task: Extract<RenderedTask, { kind: "copy" }>, staged: string, n: number): string {
  const dest = task.dest;
  const base = path.posix.basename(task.src.replace(/\/+$/, ""));
  const dirTarget = (task.src.endsWith("/") ? dest : path.posix.join(dest, base)).replace(/(.)\/+$/, "$1");
  const fileTarget = dest.endsWith("/") ? path.posix.join(dest, base) : dest;
  return [
    `if [ -d ${shq(staged)} ]; then`,
    `  $SUDO mkdir -p ${shq(dirTarget)} && $SUDO cp -a ${shq(staged + "/.")} ${shq(dirTarget + "/")} || exit 1`,
    `  rm -rf ${shq(staged)}; e2c_record "$STEP" ${n} ${shq(`copy ${task.src} -> ${dest}`)}`,
    `elif [ -e ${shq(staged)} ]; then`,
    `  $SUDO mkdir -p ${shq(path.posix.dirname(fileTarget))} && $SUDO cp ${shq(staged)} ${shq(fileTarget)} || exit 1`,
    `  rm -f ${shq(staged)}; e2c_record "$STEP" ${n} ${shq(`copy ${task.src} -> ${dest}`)}`,
    "fi",
  ].join("\n");
}

/**
 * The finalize tasks of one step, run at destroy. Unlike prepare/launch it goes on after a failing task
 * (finalize is about saving what can be saved) and reports the failures by its exit status.
 */
export function finalizeScript(step: WorkflowStep, experimentId: string, syncTaskSeconds: number, runDir = ""): string {
  // Finalize's `working_dir` is rendered as ${E2C_RUN_DIR}: a shell task that names it sees the run folder.
  const lines = [hostPrelude(experimentId), `STEP=${shq(step.id)}`, `export ${RUN_DIR_VAR}=${shq(runDir)}`, RECORD_FN, "E2C_FAILED=0"];
  step.tasks.forEach((task, n) => {
    if (task.kind === "debug") lines.push(`echo ${shq(task.msg)}; e2c_record "$STEP" ${n} ${shq("debug: " + task.msg)}`);
    if (task.kind === "shell") {
      lines.push(
        // </dev/null: this script arrives on ssh's stdin, which a task that reads input would swallow.
        `timeout ${task.async ?? syncTaskSeconds} bash -c ${shq(task.command)} </dev/null; rc=$?; e2c_record "$STEP" ${n} "rc=$rc"`,
        `if [ $rc -ne 0 ]; then echo ${shq(`finalize task ${n} failed:`)}" exit $rc" >&2; E2C_FAILED=1; fi`,
      );
    }
  });
  lines.push("exit $E2C_FAILED");
  return lines.join("\n");
}

/**
 * Ends every process the experiment detached on the host (workflow tasks and monitoring): SIGTERM to each
 * process group, up to `graceSeconds` for them to exit and flush their files, SIGKILL for the rest, sync.
 */
/**
 * Bash function printing the process groups with a member that is not a zombie (read from /proc: minimal
 * images lack ps; a container's init may not reap, and `kill -0` counts zombies as alive).
 */
export const LIVE_GROUPS_FN = [
  "live_groups() {",
  "  local f l",
  "  for f in /proc/[0-9]*/stat; do",
  '    read -r l < "$f" 2>/dev/null || continue',
  '    l=${l##*) }; set -- $l',
  '    [ "$1" != Z ] && echo "$3"',
  "  done | sort -u",
  "}",
].join("\n");

export function stopScript(experimentId: string, graceSeconds: number): string {
  return [
    hostPrelude(experimentId),
    RECORD_FN,
    LIVE_GROUPS_FN,
    // Before stopping anything: which detached processes had already ended, when and how (the run's health).
    "live=$(live_groups)",
    'for f in "$D"/pids/*.pid; do',
    '  [ -e "$f" ] || continue; tag=$(basename "$f" .pid)',
    '  grep -qx "$(cat "$f")" <<<"$live" && continue',
    '  if [ -s "$D/exits/$tag.exit" ]; then read -r at rc < "$D/exits/$tag.exit"; else at=unknown; rc=unknown; fi',
    '  e2c_record exited "$tag" "at=$at rc=$rc"',
    "done",
    'pgids=(); for f in "$D"/pids/*.pid; do [ -e "$f" ] && pgids+=("$(cat "$f")"); done',
    'for g in "${pgids[@]}"; do kill -TERM -- -"$g" 2>/dev/null; done',
    'left() { local live; live=$(live_groups); for g in "${pgids[@]}"; do grep -qx "$g" <<<"$live" && echo "$g"; done; }',
    `for i in $(seq 1 ${graceSeconds}); do [ -z "$(left)" ] && break; sleep 1; done`,
    'killed=0; for g in $(left); do kill -KILL -- -"$g" 2>/dev/null; killed=$((killed+1)); done',
    "sync",
    'e2c_record stop - "stopped ${#pgids[@]} process groups, $killed killed after the grace period"',
    'echo "stopped ${#pgids[@]} process groups ($killed needed SIGKILL)"',
  ].join("\n");
}

/** Starts the monitoring agent (dstat) detached, once; installs dstat where it is missing, as E2Clab does. */
export function monitorScript(experimentId: string, options: string): string {
  // The options are dstat's own words (`-m -c -n`), passed unquoted so they stay separate arguments.
  if (!/^[\w\s=,.:/+-]*$/.test(options)) throw new Error(`monitoring options ${JSON.stringify(options)}: only dstat flags are accepted`);
  return [
    hostPrelude(experimentId),
    RECORD_FN,
    'if [ -e "$D/pids/dstat.pid" ] && kill -0 -- -"$(cat "$D/pids/dstat.pid")" 2>/dev/null; then exit 0; fi',
    "if ! command -v dstat >/dev/null 2>&1; then",
    "  $SUDO env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q dstat >/dev/null \\",
    '    || { echo "dstat is missing on $(hostname) and could not be installed" >&2; exit 1; }',
    "fi",
    // Debian 12's dstat 0.7.4 dies writing CSV under Python 3 (`types.ListType`), and block-buffers the CSV,
    // so a stopped agent leaves an empty file: run a copy with both fixed (line-buffered output file).
    'DSTAT=$(command -v dstat)',
    `if head -n 1 "$DSTAT" | grep -q python; then sed -e "s/types.ListType/list/g; s/types.TupleType/tuple/g; s/types.StringType/str/g; s/open(op.output, '\\([wa]\\)')/open(op.output, '\\1', 1)/" "$DSTAT" > "$D/dstat"; DSTAT="python3 $D/dstat"; fi`,
    `setsid nohup $DSTAT ${options} --output "$D/dstat.csv" 1 </dev/null >"$D/log/dstat.log" 2>&1 &`,
    'echo $! > "$D/pids/dstat.pid"',
    "sleep 1",
    'if ! kill -0 "$(cat "$D/pids/dstat.pid")" 2>/dev/null; then echo "dstat exited at once:" >&2; tail -n 20 "$D/log/dstat.log" >&2; exit 1; fi',
    'e2c_record monitor - "dstat started"',
  ].join("\n");
}

/** A file the fetch brings home at destroy: remote path and local destination path. */
export interface FetchItem {
  src: string;
  /** Local path the file (or folder) is written to. */
  dest: string;
  /** Which step or agent asked for it, for the record of what is missing. */
  origin: string;
  /**
   * Set aside on the host once home (renamed to `<src>.fetched`): a workflow's output file. Programs started
   * again within a run append to their metrics files; setting them aside makes the next run's start new
   * ones instead of continuing this run's.
   */
  setAside?: boolean;
}

/**
 * Where an Ansible `fetch` puts `src` of `host`: `dest/<host>/<src path>`, or with `flat` the file itself
 * at `dest` (inside it when dest ends in `/`). The planner renders finalize's `working_dir` as
 * `${E2C_RUN_DIR}`; relative destinations are taken inside the run folder.
 */
export function fetchDestination(task: { src: string; dest: string; flat?: boolean }, host: string, runDir: string): string {
  const dest = task.dest.split("${" + RUN_DIR_VAR + "}").join(runDir).split("$" + RUN_DIR_VAR).join(runDir);
  const base = path.isAbsolute(dest) ? dest : path.join(runDir, dest);
  if (task.flat) return dest.endsWith("/") ? path.join(base, path.posix.basename(task.src)) : path.normalize(base);
  return path.join(base, host, task.src.replace(/^\/+/, ""));
}

/** The fetch tasks of a host's finalize steps, plus its monitoring data, network state and workflow record. */
export function fetchItems(
  host: string,
  finalizeSteps: WorkflowStep[],
  runDir: string,
  experimentId: string,
  has: { monitoring: boolean; extra?: FetchItem[] },
): FetchItem[] {
  const items: FetchItem[] = [];
  for (const step of finalizeSteps) {
    for (const task of step.tasks) {
      if (task.kind === "fetch") items.push({ src: task.src, dest: fetchDestination(task, host, runDir), origin: step.id, setAside: true });
    }
  }
  const work = hostWorkDir(experimentId);
  if (has.monitoring) items.push({ src: `${work}/dstat.csv`, dest: path.join(runDir, "dstat", `${host}.csv`), origin: "monitoring" });
  items.push(...(has.extra ?? []));
  items.push({ src: `${work}/workflow.log`, dest: path.join(runDir, "workflow", `${host}.log`), origin: "workflow record" });
  items.push({ src: `${work}/log`, dest: path.join(runDir, "logs", host), origin: "detached task logs" });
  return items;
}

/** Bash lines appending what could not be brought back to `<run>/missing.txt`, and saying so on stderr. */
export function recordLossFn(runDir: string, host: string): string {
  return [
    `RUN=${shq(runDir)}; HOST_LABEL=${shq(host)}`,
    'mkdir -p "$RUN"',
    "e2c_lost() {",
    `  printf '%s\\t%s\\t%s\\t%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$HOST_LABEL" "$1" "$2" >> "$RUN/missing.txt"`,
    '  echo "WARNING: $HOST_LABEL: $1 ($2); recorded in $RUN/missing.txt" >&2',
    "}",
    "e2c_reason() { case $1 in 255) echo 'host unreachable over ssh';; 124) echo 'time limit reached';; *) echo \"exit status $1\";; esac; }",
  ].join("\n");
}
