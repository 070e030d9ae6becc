import { shq } from "./shell";

/**
 * Deployer-side scripts that put one image on one host. Each prints the image's ID on the host as its last
 * line of stdout (the containers are created from that ID, so a changed image replaces them) and appends
 * one tab-separated line to the host's record `<run>/images/<host>.tsv`:
 * `<image> <id> <present|sent|pulled> <bytes> <milliseconds>`. They expect `SSH_OPTS` and `TARGET` from
 * localSshPrelude.
 */

/** Docker on the host as root, or through passwordless sudo for another SSH user. */
export function remoteDocker(args: string): string {
  return `if [ "$(id -u)" = 0 ]; then docker ${args}; else sudo -n docker ${args}; fi`;
}

/** How many image streams leave the deployer at once, across all hosts (its uplink is the bottleneck). */
export const PARALLEL_TRANSFERS = 4;

function common(host: string, image: string, recordFile: string): string[] {
  return [
    `HOST_LABEL=${shq(host)}; IMG=${shq(image)}; REC=${shq(recordFile)}`,
    'mkdir -p "$(dirname "$REC")"',
    'now_ms() { date +%s%3N; }',
    'record() { printf "%s\\t%s\\t%s\\t%s\\t%s\\n" "$IMG" "$1" "$2" "$3" "$4" >> "$REC"; }',
    // One call per question, each its own SSH session: a host is asked at most a few times per image.
    `remote_id() { timeout 120 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(remoteDocker(`image inspect -f '{{.Id}}' ${shq(image)} 2>/dev/null || true`))} </dev/null; }`,
    'unreachable() { echo "host $HOST_LABEL is unreachable over ssh (exit $1) while checking image $IMG" >&2; exit 1; }',
  ];
}

/**
 * `transfer`: `docker save` from the deployer's engine streamed over SSH (through the jump host, when
 * there is one) into `docker load` on the host; nothing when the host already has the same image ID. At
 * most one stream per host and PARALLEL_TRANSFERS in all, through lock files in `lockDir`.
 */
export function transferScript(host: string, image: string, recordFile: string, lockDir: string): string {
  return [
    "set -u",
    ...common(host, image, recordFile),
    'ID=$(docker image inspect -f \'{{.Id}}\' "$IMG" 2>/dev/null) || {',
    '  echo "image $IMG (for host $HOST_LABEL) is not in this machine\'s Docker engine: build it (npm run local:images) or give it another source (edge2cloud:imageSource)" >&2; exit 1; }',
    'have=$(remote_id) || unreachable $?',
    'if [ "$have" = "$ID" ]; then record "$ID" present 0 0; echo "$ID"; exit 0; fi',
    `LOCKS=${shq(lockDir)}; mkdir -p "$LOCKS"`,
    'exec 8>"$LOCKS/host-$HOST_LABEL.lock"; flock 8',
    `while :; do for i in $(seq 1 ${PARALLEL_TRANSFERS}); do exec 9>"$LOCKS/slot-$i.lock"; flock -n 9 && break 2; done; sleep 0.5; done`,
    't0=$(now_ms); CNT=$(mktemp); trap \'rm -f "$CNT"\' EXIT',
    `{ timeout 3600 docker save "$IMG" | tee /dev/fd/3 | timeout 3600 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(remoteDocker("load -q"))} >/dev/null; } 3> >(wc -c > "$CNT")`,
    'st=("${PIPESTATUS[@]}")',
    'for _ in $(seq 1 100); do [ -s "$CNT" ] && break; sleep 0.1; done',
    'bytes=$(cat "$CNT" 2>/dev/null); bytes=${bytes:-0}',
    'if [ "${st[*]}" != "0 0 0" ]; then echo "host $HOST_LABEL: sending image $IMG failed (docker save, tee, ssh docker load exited ${st[*]})" >&2; exit 1; fi',
    'got=$(remote_id) || unreachable $?',
    'if [ "$got" != "$ID" ]; then echo "host $HOST_LABEL: after loading $IMG its ID is ${got:-none}, expected $ID" >&2; exit 1; fi',
    'record "$ID" sent "$bytes" $(( $(now_ms) - t0 ))',
    'echo "$ID"',
  ].join("\n");
}

/**
 * `registry`: `docker pull` on the host, after a `docker login` when credentials are given (the password
 * arrives on this script's stdin, never in its text or in a command line).
 */
export function pullScript(host: string, image: string, recordFile: string, registry?: { address: string; username: string }): string {
  const login = registry
    ? remoteDocker(`login --username ${shq(registry.username)} --password-stdin ${shq(registry.address)} >/dev/null`)
    : undefined;
  return [
    "set -u",
    ...common(host, image, recordFile),
    'before=$(remote_id) || unreachable $?',
    "t0=$(now_ms)",
    ...(login ? [`timeout 120 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(login)} || { echo "host $HOST_LABEL: docker login to ${registry!.address} failed" >&2; exit 1; }`] : []),
    `timeout 3600 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(remoteDocker(`pull -q ${shq(image)} >/dev/null`))} </dev/null || { echo "host $HOST_LABEL: docker pull $IMG failed" >&2; exit 1; }`,
    'got=$(remote_id) || unreachable $?',
    'if [ -z "$got" ]; then echo "host $HOST_LABEL: $IMG is not there after the pull" >&2; exit 1; fi',
    'if [ "$got" = "$before" ]; then record "$got" present 0 0; else record "$got" pulled 0 $(( $(now_ms) - t0 )); fi',
    'echo "$got"',
  ].join("\n");
}

/** What a host needs to build one image (`build`), from model/deployerBuilds. */
export interface HostBuild {
  /** The staged context on the deployer (sent as a tar stream). */
  dir: string;
  buildArgs: Record<string, string>;
  /** Hash of the build's inputs, kept on the host as the image's `e2c.inputs` label. */
  inputs: string;
  /** The image every Dockerfile starts FROM, sent from the deployer's engine first. */
  baseImage: string;
}

/** The label that says from which inputs an image was built on its host. */
export const INPUTS_LABEL = "e2c.inputs";

/**
 * `build`: the host builds the image from the project's Dockerfile. Nothing happens when the host's image
 * already carries the same inputs label. Otherwise the base image goes first, as `transfer` sends images
 * (`docker save` over SSH into `docker load`, skipped when the host has the same ID: the host cannot pull
 * it, and building it there would need debootstrap and a mirror for little gain), then the staged context
 * is streamed as a tar into `docker build -` on the host, labelled with the inputs. The record gets a line
 * for the base (`present` or `sent`) and one for the image (`present` or `built`, with the context's bytes).
 * Same bounds as transfer: one stream per host, PARALLEL_TRANSFERS in all.
 */
export function buildScript(host: string, image: string, recordFile: string, lockDir: string, build: HostBuild): string {
  const args = [...Object.entries(build.buildArgs), ["BASE", build.baseImage]].map(([k, v]) => `--build-arg ${shq(`${k}=${v}`)}`).join(" ");
  const ask = (what: string) => `timeout 120 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(remoteDocker(what))} </dev/null`;
  return [
    "set -u",
    ...common(host, image, recordFile),
    `BASE=${shq(build.baseImage)}; CTX=${shq(build.dir)}; INPUTS=${shq(build.inputs)}`,
    `remote_inputs() { ${ask(`image inspect -f '{{index .Config.Labels "${INPUTS_LABEL}"}}' ${shq(image)} 2>/dev/null || true`)}; }`,
    `remote_base_id() { ${ask(`image inspect -f '{{.Id}}' ${shq(build.baseImage)} 2>/dev/null || true`)}; }`,
    'if [ ! -f "$CTX/Dockerfile" ]; then echo "no staged build context for $IMG (host $HOST_LABEL) at $CTX: run REBUILD=1 npm run local:images, which stages every image\'s context" >&2; exit 1; fi',
    'have=$(remote_inputs) || unreachable $?',
    'if [ "$have" = "$INPUTS" ]; then id=$(remote_id) || unreachable $?; record "$id" present 0 0; echo "$id"; exit 0; fi',
    `LOCKS=${shq(lockDir)}; mkdir -p "$LOCKS"`,
    'exec 8>"$LOCKS/host-$HOST_LABEL.lock"; flock 8',
    `while :; do for i in $(seq 1 ${PARALLEL_TRANSFERS}); do exec 9>"$LOCKS/slot-$i.lock"; flock -n 9 && break 2; done; sleep 0.5; done`,
    'CNT=$(mktemp); trap \'rm -f "$CNT"\' EXIT',
    // The base image, from this machine's engine.
    'BASE_ID=$(docker image inspect -f \'{{.Id}}\' "$BASE" 2>/dev/null) || {',
    '  echo "base image $BASE (to build $IMG on host $HOST_LABEL) is not in this machine\'s Docker engine: npm run local:images makes it" >&2; exit 1; }',
    'base_have=$(remote_base_id) || unreachable $?',
    'if [ "$base_have" = "$BASE_ID" ]; then',
    '  printf "%s\\t%s\\t%s\\t%s\\t%s\\n" "$BASE" "$BASE_ID" present 0 0 >> "$REC"',
    "else",
    "  t0=$(now_ms)",
    `  { timeout 3600 docker save "$BASE" | tee /dev/fd/3 | timeout 3600 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(remoteDocker("load -q"))} >/dev/null; } 3> >(wc -c > "$CNT")`,
    '  st=("${PIPESTATUS[@]}")',
    '  for _ in $(seq 1 100); do [ -s "$CNT" ] && break; sleep 0.1; done',
    '  if [ "${st[*]}" != "0 0 0" ]; then echo "host $HOST_LABEL: sending base image $BASE failed (docker save, tee, ssh docker load exited ${st[*]})" >&2; exit 1; fi',
    '  got=$(remote_base_id) || unreachable $?',
    '  if [ "$got" != "$BASE_ID" ]; then echo "host $HOST_LABEL: after loading $BASE its ID is ${got:-none}, expected $BASE_ID" >&2; exit 1; fi',
    '  printf "%s\\t%s\\t%s\\t%s\\t%s\\n" "$BASE" "$BASE_ID" sent "$(cat "$CNT")" $(( $(now_ms) - t0 )) >> "$REC"',
    '  : > "$CNT"',
    "fi",
    // The context as a tar stream into `docker build -` on the host; its output goes to stderr for the log.
    "t0=$(now_ms)",
    `{ tar -C "$CTX" -c . | tee /dev/fd/3 | timeout 3600 ssh "\${SSH_OPTS[@]}" "$TARGET" ${shq(remoteDocker(`build -q ${args} --label ${shq(`${INPUTS_LABEL}=${build.inputs}`)} -t ${shq(image)} -`))} >&2; } 3> >(wc -c > "$CNT")`,
    'st=("${PIPESTATUS[@]}")',
    'for _ in $(seq 1 100); do [ -s "$CNT" ] && break; sleep 0.1; done',
    'bytes=$(cat "$CNT" 2>/dev/null); bytes=${bytes:-0}',
    'if [ "${st[*]}" != "0 0 0" ]; then echo "host $HOST_LABEL: building $IMG failed (tar, tee, ssh docker build exited ${st[*]})" >&2; exit 1; fi',
    'now=$(remote_inputs) || unreachable $?',
    'if [ "$now" != "$INPUTS" ]; then echo "host $HOST_LABEL: after building $IMG its inputs label is ${now:-none}, expected $INPUTS" >&2; exit 1; fi',
    'got=$(remote_id) || unreachable $?',
    'record "$got" built "$bytes" $(( $(now_ms) - t0 ))',
    'echo "$got"',
  ].join("\n");
}
