import { hostWorkDir, shq } from "./shell";
import { baseSshOptions, LocalSshFiles, proxyOptions, SshTarget } from "./ssh";

/**
 * What the runner needs to watch a host while the run goes (a stack output, no secret in it): how to reach
 * it with the deployer's `ssh` (the experiment's key file), and which service containers it runs.
 */
export interface WatchTarget {
  host: string;
  /** `ssh` argv up to and including `user@address`; the probe script goes on stdin. */
  ssh: string[];
  experimentId: string;
  containers: string[];
}

export function watchTarget(target: SshTarget, files: LocalSshFiles, experimentId: string, containers: string[]): WatchTarget {
  return {
    host: target.name,
    ssh: ["ssh", ...baseSshOptions(files), ...proxyOptions(target, files), "-p", String(target.port), `${target.user}@${target.address}`],
    experimentId,
    containers,
  };
}

/**
 * One look at a host, in one SSH session: each detached task of the experiment (running, or ended with its
 * recorded time and status) and each service container (state, exit code, when it finished, restarts).
 * Output lines, tab-separated: `now <time>`, `task <tag> running`, `task <tag> ended <time|unknown> <status|unknown>`,
 * `container <name> <state> <exit code> <finished at> <restarts> <started at>` or `container <name> absent`.
 */
export function probeScript(experimentId: string, containers: string[]): string {
  return [
    "set -u",
    `D=${shq(hostWorkDir(experimentId))}`,
    'if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi',
    `printf 'now\\t%s\\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"`,
    // Live process groups from /proc (minimal images lack ps; zombies do not count).
    'live=$(for f in /proc/[0-9]*/stat; do read -r l < "$f" 2>/dev/null || continue; l=${l##*) }; set -- $l; [ "$1" != Z ] && echo "$3"; done | sort -u)',
    'for f in "$D"/pids/*.pid; do',
    '  [ -e "$f" ] || continue; tag=$(basename "$f" .pid)',
    '  if grep -qx "$(cat "$f")" <<<"$live"; then printf "task\\t%s\\trunning\\n" "$tag"; continue; fi',
    '  if [ -s "$D/exits/$tag.exit" ]; then read -r at rc < "$D/exits/$tag.exit"; else at=unknown; rc=unknown; fi',
    '  printf "task\\t%s\\tended\\t%s\\t%s\\n" "$tag" "$at" "$rc"',
    "done",
    ...containers.map(
      (c) =>
        `s=$($SUDO docker inspect -f '{{.State.Status}}\t{{.State.ExitCode}}\t{{.State.FinishedAt}}\t{{.RestartCount}}\t{{.State.StartedAt}}' ${shq(c)} 2>/dev/null) && printf 'container\\t%s\\t%s\\n' ${shq(c)} "$s" || printf 'container\\t%s\\tabsent\\n' ${shq(c)}`,
    ),
  ].join("\n");
}
