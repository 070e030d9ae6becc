import { DOCKER_ENGINE_PACKAGE } from "../planner/hostRequirements";
import { shq } from "./shell";

/** Files the script looks at on the host (the tests point them elsewhere). */
export interface BootstrapPaths {
  osRelease: string;
  /** Exists when systemd is the init system. */
  systemdDir: string;
  /** The engine package's init script. */
  initScript: string;
  /** Where a dockerd started by the bootstrap itself logs. */
  dockerdLog: string;
}

export const HOST_PATHS: BootstrapPaths = {
  osRelease: "/etc/os-release",
  systemdDir: "/run/systemd/system",
  initScript: "/etc/init.d/docker",
  dockerdLog: "/var/log/dockerd.log",
};

/** Exit statuses of the bootstrap script that the deployer turns into messages naming the host. */
export const BOOTSTRAP_EXIT = { notRoot: 10, unsupportedOs: 11, mirror: 12, install: 13, engine: 14 } as const;

/**
 * The script that makes a bare Debian or Ubuntu host ready for its tasks, run on the host as the SSH user.
 * Idempotent: a package that is installed is left as it is (an engine that is already there, Docker CE or
 * docker.io, counts for `docker.io`), apt runs only for what is missing, and the engine is started only
 * when it does not answer. Root or passwordless sudo; apt only (other systems get an error listing what
 * they lack). Its stdout is the host's record, one tab-separated line per fact:
 * `os <id> <version>`, `present <package> <version>`, `installed <package> <version>`,
 * `engine <running|started by systemd|started by the init script|started as dockerd>`.
 */
export function bootstrapScript(host: string, packages: string[], paths: BootstrapPaths = HOST_PATHS): string {
  const needsEngine = packages.includes(DOCKER_ENGINE_PACKAGE);
  const h = shq(host);
  return [
    "set -u",
    `HOST=${h}`,
    `PACKAGES=(${packages.map(shq).join(" ")})`,
    'say() { if [ -n "${3:-}" ]; then printf "%s\\t%s\\t%s\\n" "$1" "$2" "$3"; else printf "%s\\t%s\\n" "$1" "$2"; fi; }',
    // `sudo -n`: fail at once rather than wait for a password nobody can type.
    'if [ "$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else',
    `  echo "host $HOST: user $(id -un) is neither root nor allowed to sudo without a password; the bootstrap needs one of them" >&2; exit ${BOOTSTRAP_EXIT.notRoot}`,
    "fi",
    "OS_ID=unknown; OS_LIKE=; OS_VERSION=; OS_NAME=unknown",
    `if [ -r ${shq(paths.osRelease)} ]; then . ${shq(paths.osRelease)};` + ' OS_ID=${ID:-unknown}; OS_LIKE=${ID_LIKE:-}; OS_VERSION=${VERSION_ID:-}; OS_NAME=${PRETTY_NAME:-$OS_ID}; fi',
    'say os "$OS_ID" "$OS_VERSION"',
    // An engine counts when its CLI and daemon are installed, whatever package brought them.
    'engine_installed() { command -v docker >/dev/null 2>&1 && { command -v dockerd >/dev/null 2>&1 || [ -S /var/run/docker.sock ]; }; }',
    "pkg_version() { dpkg-query -W -f='${Version}' \"$1\" 2>/dev/null; }",
    "pkg_installed() { dpkg-query -W -f='${Status}' \"$1\" 2>/dev/null | grep -q 'ok installed'; }",
    "missing=()",
    'for p in "${PACKAGES[@]}"; do',
    `  if [ "$p" = ${shq(DOCKER_ENGINE_PACKAGE)} ]; then`,
    '    if engine_installed; then say present "$p" "$(docker --version 2>/dev/null | head -n 1)"; else missing+=("$p"); fi',
    '  elif command -v dpkg-query >/dev/null 2>&1 && pkg_installed "$p"; then say present "$p" "$(pkg_version "$p")"',
    '  else missing+=("$p"); fi',
    "done",
    'if [ ${#missing[@]} -gt 0 ]; then',
    '  case " $OS_ID $OS_LIKE " in *" debian "*|*" ubuntu "*) ;; *)',
    `    echo "host $HOST runs $OS_NAME, which is neither Debian nor Ubuntu: install yourself ${"$"}{missing[*]} (or set edge2cloud:bootstrapHosts: false and prepare the host yourself)" >&2; exit ${BOOTSTRAP_EXIT.unsupportedOs};;`,
    "  esac",
    '  APT="$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300"',
    // `update` exits 0 even when a source fails; `Error-Mode=any` (apt >= 2.3) makes that an error, older
    // apt ignores the option and the install below names what it could not find.
    '  if ! out=$(timeout 600 $APT -o APT::Update::Error-Mode=any update 2>&1); then',
    `    echo "host $HOST cannot reach its package mirror to install ${"$"}{missing[*]}:" >&2; echo "$out" | tail -n 15 >&2; exit ${BOOTSTRAP_EXIT.mirror}`,
    "  fi",
    '  if ! out=$(timeout 1800 $APT install -y --no-install-recommends "${missing[@]}" 2>&1); then',
    `    echo "host $HOST could not install ${"$"}{missing[*]} from its package mirror:" >&2; echo "$out" | tail -n 15 >&2; exit ${BOOTSTRAP_EXIT.install}`,
    "  fi",
    '  for p in "${missing[@]}"; do say installed "$p" "$(pkg_version "$p")"; done',
    "fi",
    ...(needsEngine ? engineStart(paths) : []),
  ].join("\n");
}

/**
 * Makes sure the engine answers: systemd where it runs, else the package's init script, else dockerd
 * itself; also dockerd when the init script cannot (it raises limits a container host may refuse).
 */
function engineStart(paths: BootstrapPaths): string[] {
  const dockerd = `$SUDO sh -c ${shq(`setsid nohup dockerd </dev/null >>${shq(paths.dockerdLog)} 2>&1 &`)}`;
  return [
    "engine_up() { $SUDO docker info >/dev/null 2>&1; }",
    "wait_engine() { for _ in $(seq 1 \"$1\"); do engine_up && return 0; sleep 1; done; engine_up; }",
    "if engine_up; then say engine running",
    "else",
    `  if [ -d ${shq(paths.systemdDir)} ] && command -v systemctl >/dev/null 2>&1; then how='started by systemd'; $SUDO systemctl enable --now docker >/dev/null 2>&1`,
    `  elif [ -x ${shq(paths.initScript)} ]; then how='started by the init script'; $SUDO ${shq(paths.initScript)} start >/dev/null 2>&1 || how='started as dockerd (the init script failed)'`,
    "  else how='started as dockerd'",
    "  fi",
    `  case $how in *dockerd*) ${dockerd};; esac`,
    "  if ! wait_engine 60 && [ \"$how\" = 'started by the init script' ]; then how='started as dockerd (the init script did not start it)'; " + dockerd + "; wait_engine 60; fi",
    `  if ! engine_up; then echo "host $HOST: the Docker engine did not start ($how); last lines of its log:" >&2; $SUDO tail -n 20 /var/log/docker.log ${shq(paths.dockerdLog)} 2>/dev/null >&2; exit ${BOOTSTRAP_EXIT.engine}; fi`,
    '  say engine "$how"',
    "fi",
  ];
}
