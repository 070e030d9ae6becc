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
