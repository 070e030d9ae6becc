import { tcApplyScript } from "../netem/tcScript";
import { PlannedFault } from "../planner/faultPlan";
import { LIVE_GROUPS_FN, detachedTag, monitorScript, relaunchScript, stepScript } from "./hostScripts";
import { hostWorkDir, shq } from "./shell";

/**
 * The scripts a scheduled fault runs on a host (pure renderers, as hostScripts.ts). Each prints
 * `E2C_FAULT_START <time>` and `E2C_FAULT_END <time>` (the host's clock), which the runner records.
 */
const stamp = (what: "START" | "END") => `echo "E2C_FAULT_${what} $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"`;
const SUDO = 'if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi';
const NOW = "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)";
/** Limit of each synchronous task of a launch step run again at a restore (as the deployment's default). */
const RESTORE_SYNC_TASK_SECONDS = 600;

/** The host's own record of a removal (times of each stage), read back by the restore. */
function removalRecord(experimentId: string, f: { host: string; atMs: number }): string {
  return `${hostWorkDir(experimentId)}/faults/${f.host}-removed-at-${f.atMs}ms`;
}

/**
 * Ends what is left of the task a restart replaces: its pid file is about to name the new one, so a task the
 * container's kill did not end (another name, no container) would never be stopped at the run's end.
 */
function endPreviousTask(f: Extract<PlannedFault, { kind: "application" }>, experimentId: string): string {
  const pidFile = `${hostWorkDir(experimentId)}/pids/${detachedTag(f.step.id, f.task, f.step.tasks[f.task].item)}.pid`;
  return [
    LIVE_GROUPS_FN,
    `if [ -s ${shq(pidFile)} ]; then g=$(cat ${shq(pidFile)})`,
    '  $SUDO kill -TERM -- -"$g" 2>/dev/null',
    '  for i in $(seq 1 50); do live_groups | grep -qx "$g" || break; sleep 0.2; done',
    '  $SUDO kill -KILL -- -"$g" 2>/dev/null',
    "fi",
  ].join("\n");
}

/** One script per host the fault touches. */
export function faultScripts(f: PlannedFault, experimentId: string, allowMissingNetem: boolean): { host: string; script: string; asRoot: boolean }[] {
  switch (f.kind) {
    case "container":
      return [{ host: f.host, asRoot: false, script: [SUDO, stamp("START"), `$SUDO docker ${dockerVerb(f.action)} ${shq(f.container)}; rc=$?`, stamp("END"), "exit $rc"].join("\n") }];
    case "application": {
      const gone = `for i in $(seq 1 100); do $SUDO docker inspect ${shq(f.container)} >/dev/null 2>&1 || break; sleep 0.2; done`;
      const lines =
        f.action === "kill" || f.action === "stop"
          ? [`$SUDO docker ${dockerVerb(f.action)} ${shq(f.container)}; rc=$?`]
          : [
              // The application's container was started with --rm by a detached `docker run`: a restart
              // ends it and runs the launch task again, under the same tag.
              ...(f.action === "restart" ? [`$SUDO docker kill ${shq(f.container)} >/dev/null 2>&1`, gone, endPreviousTask(f, experimentId)] : []),
              `( ${relaunchScript(f.step, f.task, experimentId)} ); rc=$?`,
            ];
      return [{ host: f.host, asRoot: false, script: [SUDO, stamp("START"), ...lines, stamp("END"), "exit $rc"].join("\n") }];
    }
    case "network":
      return f.shapings.map((s) => ({
        host: s.host,
        asRoot: true,
        // Changed in place: `tc ... replace` of the same classes, no teardown (netem/tcScript.ts).
        script: [stamp("START"), `( ${tcApplyScript(s, { allowMissingNetem })}\n) >/tmp/e2c-fault-netem.log 2>&1; rc=$?`, stamp("END"), "tail -n 3 /tmp/e2c-fault-netem.log", "exit $rc"].join("\n"),
      }));
    case "remove_host": {
      // A power loss, as far as the experiment can tell: everything killed at once (nothing flushed or
      // finalised), then the network cut. The cut comes half a second later, from a process of the host's
      // own, so that this SSH session ends first; the host brings its network back itself at the restore's time.
      const rec = removalRecord(experimentId, f);
      const s = Math.max(0.5, f.forMs / 1000 - 0.5);
      return [
        {
          host: f.host,
          asRoot: true,
          script: [
            `D=${shq(hostWorkDir(experimentId))}`,
            'command -v ip >/dev/null || { echo "ip (iproute2) is missing on the host: it cannot cut its own network" >&2; exit 1; }',
            `dev=$(ip -o route get ${shq(f.peers[0] ?? "1.1.1.1")} | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n1)`,
            '[ -n "$dev" ] || { echo "no route to the other hosts" >&2; exit 1; }',
            'routes=$(ip route show dev "$dev" | grep -v "proto kernel" || true)',
            `rec=${shq(rec)}; mkdir -p "$(dirname "$rec")"`,
            stamp("START"),
            'n=0; for p in "$D"/pids/*.pid; do [ -e "$p" ] || continue; kill -KILL -- -"$(cat "$p")" 2>/dev/null && n=$((n+1)); done',
            `k=0; for c in ${f.containers.map(shq).join(" ")}; do docker kill "$c" >/dev/null 2>&1 && k=$((k+1)); done`,
            `echo "killed ${NOW}" > "$rec"`,
            `setsid nohup sh -c 'sleep 0.5; ip link set "$1" down; echo "network-down $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >> "$3"; sleep ${s}; ip link set "$1" up; printf "%s\\n" "$2" | while read -r r; do [ -n "$r" ] && ip route replace $r dev "$1"; done; echo "network-up $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >> "$3"' e2c-remove "$dev" "$routes" "$rec" </dev/null >/dev/null 2>&1 &`,
            `echo "killed $n process group(s) and $k container(s); network ($dev) cut from half a second later for ${f.forMs / 1000} s"`,
            stamp("END"),
          ].join("\n"),
        },
      ];
    }
    case "restore_host": {
      // The host answers again (it brought its network back itself): its services first, in plan order,
      // then its launch steps as the deployment ran them (detached tasks under their tags, so the stop
      // ends them as any other). What the launch steps print goes to the host's log of the restore.
      const rec = removalRecord(experimentId, { host: f.host, atMs: f.removedAtMs });
      return [
        {
          host: f.host,
          asRoot: false,
          script: [
            SUDO,
            `D=${shq(hostWorkDir(experimentId))}`,
            'mkdir -p "$D/log"; rc=0',
            stamp("START"),
            ...f.services.map((c) => `$SUDO docker start ${shq(c)} >/dev/null || { echo "service container ${c} did not start"; rc=1; }`),
            ...(f.monitoring !== undefined ? [`( ${monitorScript(experimentId, f.monitoring)}\n) >>"$D/log/restore-${f.host}.log" 2>&1 || { echo "monitoring did not start again"; rc=1; }`] : []),
            ...f.launch.map((step) => `( ${stepScript(step, experimentId, RESTORE_SYNC_TASK_SECONDS)}
) >>"$D/log/restore-${f.host}.log" 2>&1 || { echo "launch step ${step.id} failed: $(tail -n 2 "$D/log/restore-${f.host}.log" | tr '\\n' ' ')"; rc=1; }`),
            stamp("END"),
            `[ -s ${shq(rec)} ] && echo "host record: $(tr '\\n' ';' < ${shq(rec)})"`,
            `echo "started ${f.services.length} service container(s)${f.monitoring !== undefined ? " and its monitoring" : ""}, ran ${f.launch.length} launch step(s) again"`,
            "exit $rc",
          ].join("\n"),
        },
      ];
    }
    case "link_down": {
      const s = f.forMs / 1000;
      // The interface goes down with the SSH session on it: the host runs the whole event by itself.
      const peer = f.peers[0] ?? "1.1.1.1";
      return [
        {
          host: f.host,
          asRoot: true,
          script: [
            `dev=$(ip -o route get ${shq(peer)} | sed -n 's/.* dev \\([^ ]*\\).*/\\1/p' | head -n1)`,
            '[ -n "$dev" ] || { echo "no route to the other hosts" >&2; exit 1; }',
            'routes=$(ip route show dev "$dev" | grep -v "proto kernel" || true)',
            stamp("START"),
            `setsid nohup sh -c 'ip link set "$1" down; sleep ${s}; ip link set "$1" up; printf "%s\\n" "$2" | while read -r r; do [ -n "$r" ] && ip route replace $r dev "$1"; done; date -u +%Y-%m-%dT%H:%M:%S.%3NZ > /tmp/e2c-link-up' e2c-link "$dev" "$routes" </dev/null >/dev/null 2>&1 &`,
            'echo "link $dev down"',
            stamp("END"),
          ].join("\n"),
        },
      ];
    }
  }
}

function dockerVerb(action: "kill" | "restart" | "stop" | "start"): string {
  return action === "restart" || action === "stop" ? `${action} -t 10` : action;
}
