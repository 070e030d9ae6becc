/**
 * Reads a bash script that runs on the deployer (a `local.Command`'s create, update or delete) and tells
 * which host its SSH clients (ssh, scp, sftp, rsync) reach and how many connections it holds open at once.
 * Pure: no Pulumi, no I/O.
 *
 * The rules, which fit how components/ssh.ts writes these scripts and err on the side of counting more:
 * - a heredoc body is the remote side's script and is not read; neither is quoted text (messages, the
 *   remote command of an `ssh`), except the body of a `trap '...'`, which is code;
 * - every SSH client on one line counts as open at the same time (a pipeline, `a && b`: at most this);
 * - a client started with `coproc`, put in the background with `&`, or told to background itself
 *   (`ssh -f`), stays open until the script ends;
 * - options are read unquoted (`-o ControlPath=...`) and before the destination; what follows it is the
 *   remote command;
 * - a client given a `ControlPath` without `ControlMaster` goes through an existing master connection: no
 *   new connection, one more session on the master (sshd's MaxSessions counts those); `-O <cmd>` only talks
 *   to the master;
 * - a client whose options carry a `ProxyCommand` (or `-J`) also opens a connection to that jump host.
 * Each client must address `$TARGET`, which the script sets once (`TARGET=user@address`, with `-p`/`-P`
 * in `SSH_OPTS`/`SCP_OPTS`): a client that reaches anything else is refused with its line, so that a new
 * kind of script cannot slip past the count.
 */

export interface SshEndpoint {
  user: string;
  address: string;
  port: number;
}

export interface ScriptSsh {
  /** Where the script's clients connect; undefined when it runs none. */
  target?: SshEndpoint;
  /** Most connections to the target open at once. */
  connections: number;
  /** Most sessions at once on one multiplexed connection (0 without multiplexing; a plain client is 1). */
  sessionsPerConnection: number;
  /** The jump host every connection to the target also opens a connection to, if any. */
  via?: SshEndpoint;
}

const CLIENT = /(^|[\s|;&({!])(ssh|scp|sftp|rsync)(?=\s|$)/g;

export function readDeployerScript(script: string): ScriptSsh {
  const lines = withoutHeredocBodies(script.split("\n"));
  const target = assignment(lines, "TARGET");
  const opts = new Map<string, string>();
  for (const name of ["SSH_OPTS", "SCP_OPTS"]) {
    const def = lines.find((l) => new RegExp(`^\\s*${name}=\\(`).test(l));
    if (def) opts.set(name, unquote(def));
  }
  let persistent = 0;
  let persistentSessions = 0;
  let connections = 0;
  let sessions = 0;
  let via: SshEndpoint | undefined;
  let uses = 0;
  // Quotes may span lines (an awk program): masked over the whole text, newlines kept, so lines align.
  const maskedLines = maskQuotes(lines.join("\n")).split("\n");
  lines.forEach((line, n) => {
    if (/^\s*(#|[A-Z_]+=\()/.test(line)) return;
    let lineConnections = 0;
    let lineSessions = 0;
    let keepOpen = 0;
    let keepSessions = 0;
    for (const client of clientsOf(line, maskedLines[n])) {
      const { args, options } = client;
      if (/(^|\s)-O\s/.test(options)) continue;
      if (!/\$\{?TARGET\b/.test(args)) {
        throw new Error(`an SSH client that does not address $TARGET; cannot tell which host it reaches: ${line.trim()}`);
      }
      uses++;
      const multiplexed = /ControlPath=/.test(options) && !/ControlMaster=(yes|auto)/.test(options);
      const background = client.background || (client.name === "ssh" && /(^|\s)-[a-zA-Z]*f[a-zA-Z]*(\s|$)/.test(options));
      if (multiplexed) {
        if (background) keepSessions++;
        else lineSessions++;
        continue;
      }
      if (background) keepOpen++;
      else lineConnections++;
      const jump = jumpOf(args, opts);
      if (jump) via = jump;
    }
    connections = Math.max(connections, persistent + keepOpen + lineConnections);
    sessions = Math.max(sessions, persistentSessions + keepSessions + lineSessions);
    persistent += keepOpen;
    persistentSessions += keepSessions;
  });
  if (uses === 0) return { connections: 0, sessionsPerConnection: 0 };
  if (!target) throw new Error("a script runs SSH clients towards $TARGET but never sets TARGET");
  const at = /^([^@\s]+)@(\S+)$/.exec(target);
  if (!at) throw new Error(`TARGET=${target}: expected user@address`);
  const port = portOf(opts.get("SSH_OPTS"), "-p") ?? portOf(opts.get("SCP_OPTS"), "-P") ?? 22;
  // A plain client is one session on its own connection; multiplexed ones share the master.
  return { target: { user: at[1], address: at[2], port }, connections, sessionsPerConnection: Math.max(sessions, connections > 0 ? 1 : 0), via };
}

interface Client {
  name: string;
  /** The client's command line up to the end of its simple command, quotes kept. */
  args: string;
  /** The same with quoted text masked: its options (the remote command's own `-f` is not the client's). */
  options: string;
  /** Started with `coproc` or `&`: open until the script ends. */
  background: boolean;
}

/** The SSH clients of one line, quoted text masked (but trap bodies read). */
function clientsOf(line: string, masked = maskQuotes(line)): Client[] {
  const out: Client[] = [];
  const trapBody = /^\s*trap\s+'([^']*)'/.exec(line);
  if (trapBody) out.push(...clientsOf(trapBody[1]));
  for (const m of masked.matchAll(CLIENT)) {
    const start = m.index! + m[1].length;
    const end = endOfCommand(masked, start);
    const rest = masked.slice(end);
    const destination = line.slice(start, end).search(/\$\{?TARGET\b/);
    out.push({
      name: m[2],
      args: line.slice(start, end),
      // ssh's options come before the destination; what follows it is the remote command.
      options: masked.slice(start, destination >= 0 ? start + destination : end),
      background: /^\s*&(?!&)/.test(rest) || /^\s*coproc\b/.test(masked.slice(0, start)),
    });
  }
  return out;
}

/** Where the simple command starting at `from` ends: the next `|`, `;`, `&`, `)` or `}` outside quotes. */
function endOfCommand(masked: string, from: number): number {
  for (let i = from; i < masked.length; i++) {
    if ("|;&)}".includes(masked[i])) return i;
  }
  return masked.length;
}

/** The text with the content of every quoted string replaced by spaces (same length, newlines kept). */
function maskQuotes(line: string): string {
  let out = "";
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\" && quote === '"') {
        out += "  ";
        i++;
        continue;
      }
      if (c === quote) {
        quote = undefined;
        out += c;
      } else out += c === "\n" ? c : " ";
      continue;
    }
    if (c === "\\") {
      out += c + (line[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    out += c;
  }
  return out;
}

/** Lines outside heredoc bodies (`<<'END'` ... `END`): those bodies run on the remote side. */
function withoutHeredocBodies(lines: string[]): string[] {
  const out: string[] = [];
  let marker: string | undefined;
  for (const line of lines) {
    if (marker !== undefined) {
      if (line.trim() === marker) marker = undefined;
      continue;
    }
    out.push(line);
    const m = /<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(maskQuotesKeepingHeredoc(line));
    if (m) marker = m[2];
  }
  return out;
}

/** Heredoc markers are often quoted (`<<'END'`); mask other quoted text only. */
function maskQuotesKeepingHeredoc(line: string): string {
  return line.replace(/<<-?\s*(['"])([A-Za-z_][A-Za-z0-9_]*)\1/g, "<<$2").replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, (s) => " ".repeat(s.length));
}

/** Value of `NAME=value` at the start of a line, quotes removed. */
function assignment(lines: string[], name: string): string | undefined {
  for (const l of lines) {
    const m = new RegExp(`^\\s*${name}=(\\S+)\\s*$`).exec(l);
    if (m) return unquote(m[1]);
  }
  return undefined;
}

/** Shell words' quoting removed (enough to read options and `user@host` out of them). */
function unquote(s: string): string {
  return s.replace(/'\\''/g, "'").replace(/['"\\]/g, "");
}

/** The last `-p N` of an options definition: the one for the target (a ProxyCommand's comes first). */
function portOf(def: string | undefined, flag: string): number | undefined {
  if (!def) return undefined;
  const all = [...def.matchAll(new RegExp(`(?:^|\\s|\\()${flag}\\s+(\\d+)`, "g"))];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
}

/** The jump host of a client: a ProxyCommand `ssh ... -W %h:%p user@host` or `-J user@host[:port]`. */
function jumpOf(args: string, opts: Map<string, string>): SshEndpoint | undefined {
  const texts = [unquote(args)];
  for (const [name, def] of opts) if (args.includes(`${name}[@]`)) texts.push(def);
  return jumpHostOf(texts);
}

/** The jump host named in OpenSSH options (a ProxyCommand running `ssh -W`, or `-J`), if any. */
export function jumpHostOf(options: string[]): SshEndpoint | undefined {
  for (const t of options.map(unquote)) {
    const pc = /ProxyCommand=ssh\s(.*?)-W\s+%h:%p\s+([^@\s]+)@([^\s)]+)/.exec(t);
    if (pc) return { user: pc[2], address: pc[3], port: portOf(pc[1], "-p") ?? 22 };
    if (/ProxyCommand=/.test(t)) throw new Error(`a ProxyCommand this reader does not understand: ${t}`);
    const j = /(?:^|\s)-J\s+([^@\s]+)@([^\s:]+)(?::(\d+))?/.exec(t);
    if (j) return { user: j[1], address: j[2], port: j[3] ? Number(j[3]) : 22 };
  }
  return undefined;
}
