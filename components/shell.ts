/**
 * Shell text generation shared by the components. Every script the program sends is built here so quoting
 * rules live in one place: values from the scenario are always single-quoted, never interpolated raw.
 */

/** Quotes `s` as one POSIX shell word. */
export function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `bash -c '<script>'`: remote login shells may be sh or dash, the scripts use bash features. */
export function bashC(script: string): string {
  return `bash -c ${shq(script)}`;
}

/** Safe fragment of a file name built from an id (`p3.launch.parasilo-3.rennes...` -> `p3.launch.parasilo-3...`). */
export function fileTag(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** Per-experiment working folder on every host: pids, logs, staged copies, monitoring data. */
export function hostWorkDir(experimentId: string): string {
  return `/tmp/e2c-${experimentId}`;
}

/**
 * Prelude of every script run on a host: strict enough to stop on the first failure the script checks,
 * `SUDO` for the commands that need root when the SSH user is not root, and the experiment's folders.
 */
export function hostPrelude(experimentId: string): string {
  return [
    "set -u",
    `D=${shq(hostWorkDir(experimentId))}`,
    'mkdir -p "$D/pids" "$D/log" "$D/stage"',
    'if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi',
  ].join("\n");
}

/** Appends one line to the host's workflow record (fetched into the results at destroy). */
export const RECORD_FN = [
  "e2c_record() {",
  `  printf '%s\\t%s\\t%s\\t%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" "$3" >> "$D/workflow.log"`,
  "}",
].join("\n");
