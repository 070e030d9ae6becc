import { tcApplyScript } from "../netem/tcScript";
import { PlannedFault } from "../planner/faultPlan";
import { relaunchScript } from "./hostScripts";
import { shq } from "./shell";

/**
 * The scripts a scheduled fault runs on a host (pure renderers, as hostScripts.ts). Each prints
 * `E2C_FAULT_START <time>` and `E2C_FAULT_END <time>` (the host's clock), which the runner records.
 */
const stamp = (what: "START" | "END") => `echo "E2C_FAULT_${what} $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"`;
const SUDO = 'if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi';

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
              ...(f.action === "restart" ? [`$SUDO docker kill ${shq(f.container)} >/dev/null 2>&1`, gone] : []),
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
