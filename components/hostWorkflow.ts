import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as command from "@pulumi/command";
import { PlannedHost, PlannedService, WorkflowStep } from "../planner/planTypes";
import { RunContext, commandTimeouts, localSshEnvironment } from "./context";
import { serviceKey, stepKey } from "./deferredGraph";
import {
  FetchItem,
  fetchItems,
  finalizeScript,
  recordLossFn,
  stagedCopyPath,
  stepScript,
  stopScript,
} from "./hostScripts";
import { staleSourcesScript } from "./runMarker";
import { bashC, shq } from "./shell";
import { SshTarget, localSshPrelude, remoteConnection, runRemotely } from "./ssh";

/** Key under which the run window (see RunWindow) is found in the DeferredGraph. */
export const RUN_WINDOW_KEY = "run-window";

export interface HostWorkflowArgs {
  host: PlannedHost;
  /** The plan's steps on this host, every phase. */
  steps: WorkflowStep[];
  /** Every service of the plan by id (to know which ones run in a container worth waiting for). */
  servicesById: Map<string, PlannedService>;
  /** Every step of the plan by id (to know the phase of the steps named in `after`). */
  stepsById: Map<string, WorkflowStep>;
  /** The host's NetemLink command, removed only after its files are fetched. */
  netem?: pulumi.Resource;
  /** What the host's fetch brings home besides the workflow's files (network validation...), by run folder. */
  extraFetches?: (runDir: string) => FetchItem[];
  ctx: RunContext;
}

/** The resources of one host's part of the workflow. */
export interface HostWorkflow {
  /** Every step's command by step id (remote for prepare/launch, local for finalize). */
  steps: Record<string, pulumi.Resource>;
  copies: command.remote.CopyToRemote[];
  /** Ends the host's detached processes at destroy. */
  stop: command.local.Command;
  /** Brings the host's files home at destroy. */
  fetch: command.local.Command;
}

/**
 * Turns one host's workflow steps into resources under `parent`:
 * - prepare/launch: copies as `remote.CopyToRemote` (staged), then ONE `remote.Command` per step;
 * - finalize: ONE `local.Command` per step whose delete runs the tasks over ssh;
 * - a `stop` and a `fetch` local command whose deletes end the processes and bring the files home.
 *
 * Destroy order on the host (dependents are deleted first): stop -> finalize steps -> fetch -> netem.
 * Every delete tolerates an unreachable host: it records what was lost in `<run>/missing.txt` and exits 0,
 * so one dead host never blocks the other hosts' finalize and fetch.
 */
/** Renames a fetched file on the host to `<src>.fetched` (see FetchItem.setAside); a failure is only said. */
function setAsideCommand(src: string): string {
  const mv = `mv -f ${shq(src)} ${shq(`${src}.fetched`)}`;
  const remote = `if [ "$(id -u)" = 0 ]; then ${mv}; else sudo -n ${mv}; fi`;
  return `timeout 60 ssh "\${SSH_OPTS[@]}" -o ControlPath="$CTL" "$TARGET" ${shq(remote)} || echo "WARNING: $HOST_LABEL: could not set ${src} aside; the next run's programs would continue it" >&2`;
}

export function realiseHostWorkflow(parent: pulumi.Resource, args: HostWorkflowArgs): HostWorkflow {
  const { host, ctx } = args;
  const target: SshTarget = host;
  const conn = remoteConnection(target, ctx.sshPrivateKey, ctx.hostsReady);
  const env = localSshEnvironment(ctx);
  const t = ctx.timeouts;
  const finalizeSteps = args.steps.filter((s) => s.phase === "finalize");
  const phaseOf = (id: string) => {
    const s = args.stepsById.get(id);
    if (!s) throw new Error(`step ${id} named in an after list is not in the plan`);
    return s.phase;
  };

  const fetchScript = pulumi.all([ctx.runDir, ctx.experimentId]).apply(([runDir, id]) => {
    const items = fetchItems(host.name, finalizeSteps, runDir, id, { monitoring: host.monitored, extra: args.extraFetches?.(runDir) });
    return [
      "set -u",
      recordLossFn(runDir, host.name),
      localSshPrelude(target, ctx.ssh),
      'CTL_DIR=$(mktemp -d /tmp/e2c-ssh.XXXXXX); CTL="$CTL_DIR/c"',
      'trap \'ssh -o ControlPath="$CTL" -O exit "$TARGET" >/dev/null 2>&1; rm -rf "$CTL_DIR"\' EXIT',
      // One multiplexed connection for all the host's files: a single dial through the jump host.
      'timeout 120 ssh "${SSH_OPTS[@]}" -o ControlMaster=yes -o ControlPath="$CTL" -o ControlPersist=900 -fN "$TARGET"',
      "rc=$?",
      "if [ $rc -ne 0 ]; then",
      `  reason=$(e2c_reason $rc)`,
      ...items.map((i) => `  e2c_lost ${shq(`${i.src} (${i.origin})`)} "$reason"`),
      "  exit 0",
      "fi",
      // What holds nothing written during this run is the previous run's: recorded, not brought home.
      `STALE=$(timeout 120 ssh "\${SSH_OPTS[@]}" -o ControlPath="$CTL" "$TARGET" 'bash -s' <<'E2C_STALE_END'`,
      // Only the workflow's own files: the project's (netem state, monitoring, records) have their own lifetimes.
      staleSourcesScript(id, items.filter((i) => i.setAside).map((i) => i.src)),
      "E2C_STALE_END",
      ")",
      'e2c_stale() { grep -qxF -- "$1" <<<"$STALE"; }',
      "fetched=0",
      ...items.map((i) =>
        [
          `mkdir -p ${shq(path.dirname(i.dest))}`,
          `if e2c_stale ${shq(i.src)}; then e2c_lost ${shq(`${i.src} (${i.origin})`)} "nothing in it was written during this run (left by an earlier run on this host); not fetched"`,
          `elif timeout 600 scp -q -r "\${SCP_OPTS[@]}" -o ControlPath="$CTL" "$TARGET":${shq(i.src)} ${shq(i.dest)}; then fetched=$((fetched+1));`,
          ...(i.setAside ? [`  ${setAsideCommand(i.src)}`] : []),
          `else e2c_lost ${shq(`${i.src} (${i.origin})`)} "not fetched (missing on the host or copy failed)"; fi`,
        ].join("\n"),
      ),
      `echo "${host.name}: fetched $fetched of ${items.length} items into ${runDir}"`,
      "exit 0",
    ].join("\n");
  });

  const fetch = new command.local.Command(
    `${host.name}-fetch`,
    {
      create: ctx.runDir.apply((d) => `mkdir -p ${shq(d)}`),
      delete: fetchScript,
      interpreter: ["/bin/bash", "-c"],
      environment: env,
    },
    {
      parent,
      dependsOn: [ctx.keyFile, ...(args.netem ? [args.netem] : [])],
      customTimeouts: commandTimeouts(t.destroy),
      additionalSecretOutputs: ["environment"],
    },
  );

  const steps: Record<string, pulumi.Resource> = {};
  const copies: command.remote.CopyToRemote[] = [];

  for (const step of finalizeSteps) {
    const script = pulumi.all([ctx.runDir, ctx.experimentId]).apply(([runDir, id]) =>
      [
        "set -u",
        recordLossFn(runDir, host.name),
        localSshPrelude(target, ctx.ssh),
        runRemotely(finalizeScript(step, id, t.syncTaskSeconds, runDir), t.syncTaskSeconds * 2),
        `if [ $E2C_RC -ne 0 ]; then e2c_lost ${shq(`finalize ${step.id}`)} "$(e2c_reason $E2C_RC)"; fi`,
        "exit 0",
      ].join("\n"),
    );
    // The plan orders a play's finalize after the finalize of the plays it depends on, so that at destroy
    // (reverse order) dependents finalize first: producers before gateways, gateways before Kafka. Its
    // `after` also names the step's own prepare/launch; here finalize commands exist before launch (they
    // only act at destroy, after the host's stop), so those edges are left out.
    const finalizeAfter = step.after.filter((id) => phaseOf(id) === "finalize").map((id) => ctx.graph.get(stepKey(id)));
    const res = new command.local.Command(
      step.id,
      { delete: script, interpreter: ["/bin/bash", "-c"], environment: env },
      {
        parent,
        // The containers the step names are deleted only after it ran (Kafka must outlive the sinks'
        // finalize, Mosquitto the producers'), which also keeps them up until every host's stop.
        dependsOn: [
          fetch,
          ctx.keyFile,
          ...finalizeAfter,
          ...containerServices(step, host, args.servicesById).map((id) => ctx.graph.get(serviceKey(id))),
        ],
        customTimeouts: commandTimeouts(t.destroy),
        additionalSecretOutputs: ["environment"],
      },
    );
    steps[step.id] = res;
    ctx.graph.set(stepKey(step.id), res);
  }

  const stop = new command.local.Command(
    `${host.name}-stop`,
    {
      delete: pulumi.all([ctx.runDir, ctx.experimentId]).apply(([runDir, id]) =>
        [
          "set -u",
          recordLossFn(runDir, host.name),
          localSshPrelude(target, ctx.ssh),
          runRemotely(stopScript(id, t.stopGraceSeconds), t.stopGraceSeconds + 120),
          'if [ $E2C_RC -ne 0 ]; then e2c_lost "detached processes not stopped, files may be incomplete" "$(e2c_reason $E2C_RC)"; fi',
          "exit 0",
        ].join("\n"),
      ),
      interpreter: ["/bin/bash", "-c"],
      environment: env,
    },
    {
      parent,
      dependsOn: [fetch, ...Object.values(steps), ctx.keyFile, ctx.graph.get(RUN_WINDOW_KEY)],
      customTimeouts: commandTimeouts(t.destroy),
      additionalSecretOutputs: ["environment"],
    },
  );

  for (const step of args.steps.filter((s) => s.phase !== "finalize")) {
    const stepCopies: command.remote.CopyToRemote[] = [];
    step.tasks.forEach((task, n) => {
      if (task.kind !== "copy") return;
      const copy = new command.remote.CopyToRemote(
        `${step.id}-copy${n}`,
        {
          connection: conn,
          source: isFolderSource(task.src) ? new pulumi.asset.FileArchive(task.src) : new pulumi.asset.FileAsset(task.src),
          remotePath: ctx.experimentId.apply((id) => stagedCopyPath(id, step.id, n)),
        },
        { parent, customTimeouts: commandTimeouts(t.copy), additionalSecretOutputs: ["connection"] },
      );
      stepCopies.push(copy);
    });
    copies.push(...stepCopies);

    const containers = containerServices(step, host, args.servicesById).map((id) => ctx.graph.get(serviceKey(id)));
    // A launch's `after` lists every prepare step of the testbed; the run window already depends on all of
    // them, so only the other edges are kept (thousands fewer at x10 scale, same order).
    const after = step.after
      .filter((id) => !(step.phase === "launch" && phaseOf(id) === "prepare"))
      .map((id) => ctx.graph.get(stepKey(id)));
    const res = new command.remote.Command(
      step.id,
      {
        connection: conn,
        create: ctx.experimentId.apply((id) => bashC(stepScript(step, id, t.syncTaskSeconds))),
        // A re-uploaded artifact must be installed again by the step.
        triggers: stepCopies.map((c) => c.id),
      },
      {
        parent,
        dependsOn: [
          ...stepCopies,
          ...containers,
          ...after,
          // Launch opens the experiment: after every prepare of the testbed (see RunWindow), and after the
          // host's stop so that at destroy the stop runs before anything the launch relied on goes away.
          ...(step.phase === "launch" ? [ctx.graph.get(RUN_WINDOW_KEY), stop] : []),
        ],
        customTimeouts: commandTimeouts(t.step),
        additionalSecretOutputs: ["connection"],
      },
    );
    steps[step.id] = res;
    ctx.graph.set(stepKey(step.id), res);
  }

  return { steps, copies, stop, fetch };
}

/** Containers a step waits for: the ones it names (own services and depends_on peers) and its host's. */
export function containerServices(step: WorkflowStep, host: PlannedHost, servicesById: Map<string, PlannedService>): string[] {
  const ids = new Set([...step.needsServices, ...host.services]);
  return [...ids].filter((id) => servicesById.get(id)?.container !== undefined);
}

/** `src/` or an existing folder is uploaded as an archive of the folder, anything else as a file. */
function isFolderSource(src: string): boolean {
  if (src.endsWith("/")) return true;
  try {
    return fs.statSync(src).isDirectory();
  } catch {
    return false;
  }
}
