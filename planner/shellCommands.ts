/**
 * The simple commands of a shell command line, as words, enough to tell which programs a workflow task runs
 * and which images its `docker run` starts. Quotes and backslashes are honoured; `;`, `&&`, `||`, `|`, `&`,
 * newlines and parentheses separate commands; `sh -c '...'`/`bash -c '...'` are read inside. Expansions
 * (`$VAR`, `$(...)`) are not evaluated: a word that is one stays as written.
 */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += end < 0 ? line.slice(i + 1) : line.slice(i + 1, end);
      inWord = true;
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) i++;
        word += line[i];
      }
    } else if (c === "\\") {
      if (line[i + 1] === "\n") i++;
      else if (i + 1 < line.length) {
        word += line[++i];
        inWord = true;
      }
    } else if (c === " " || c === "\t") {
      endWord();
    } else if (";&|\n()".includes(c)) {
      endCommand();
    } else if (c === "#" && !inWord) {
      const nl = line.indexOf("\n", i);
      i = nl < 0 ? line.length : nl - 1;
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands.flatMap((words) => {
    const inner = innerScript(words);
    return inner === undefined ? [words] : [words, ...simpleCommands(inner)];
  });
}

/** Words that come before the program a simple command runs: shell keywords and wrappers. */
const KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "while", "until", "do", "done", "!", "{", "}", "time", "exec"]);
/** Wrappers that run their argument; the value is how many option values they take by option name. */
const WRAPPERS: Record<string, { valued: Set<string>; positional: number }> = {
  sudo: { valued: new Set(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"]), positional: 0 },
  timeout: { valued: new Set(["-s", "-k", "--signal", "--kill-after"]), positional: 1 },
  nohup: { valued: new Set(), positional: 0 },
  setsid: { valued: new Set(), positional: 0 },
  nice: { valued: new Set(["-n"]), positional: 0 },
  env: { valued: new Set(["-u", "-C", "-S"]), positional: 0 },
  stdbuf: { valued: new Set(["-i", "-o", "-e"]), positional: 0 },
};

/**
 * The programs a simple command runs: the wrappers it goes through (`sudo`, `timeout`...) and the
 * program itself, with the program's arguments.
 */
export function programOf(words: string[]): { wrappers: string[]; program?: string; args: string[] } {
  const wrappers: string[] = [];
  let i = 0;
  const skipAssignments = () => {
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i])) i++;
  };
  for (;;) {
    skipAssignments();
    while (i < words.length && KEYWORDS.has(words[i])) i++;
    skipAssignments();
    const w = words[i];
    const wrapper = w !== undefined ? WRAPPERS[w] : undefined;
    if (!wrapper) break;
    wrappers.push(w);
    i++;
    while (i < words.length && words[i].startsWith("-") && words[i] !== "--") {
      i += wrapper.valued.has(words[i]) ? 2 : 1;
    }
    if (words[i] === "--") i++;
    i += wrapper.positional;
  }
  const program = words[i];
  return { wrappers, program: program === undefined ? undefined : program.replace(/^.*\//, ""), args: words.slice(i + 1) };
}

function innerScript(words: string[]): string | undefined {
  const { program, args } = programOf(words);
  if (program !== "sh" && program !== "bash" && program !== "dash") return undefined;
  const c = args.indexOf("-c");
  return c >= 0 ? args[c + 1] : undefined;
}

/** `docker run`/`create` flags that take no value; every other option does (unless given as `--opt=value`). */
const DOCKER_RUN_FLAGS = new Set([
  "-d", "--detach", "-i", "--interactive", "-t", "--tty", "--rm", "-P", "--publish-all", "--privileged", "--init",
  "--read-only", "--no-healthcheck", "--oom-kill-disable", "-q", "--quiet", "--disable-content-trust", "--help",
  "--sig-proxy", "--use-api-socket",
]);
const SHORT_FLAG_LETTERS = new Set(["d", "i", "t", "P", "q"]);

/**
 * The image a `docker` command line starts or fetches: `docker run|create ... IMAGE`, `docker container
 * run|create ... IMAGE`, `docker pull IMAGE`, `docker image pull IMAGE`. Undefined for other docker commands.
 */
export function dockerImageOf(args: string[]): string | undefined {
  let rest = args;
  // Global options before the subcommand (`docker --host x run`) take a value, except the few flags.
  while (rest.length && rest[0].startsWith("-")) rest = rest.slice(["-D", "--debug", "--tls", "--tlsverify"].includes(rest[0]) || rest[0].includes("=") ? 1 : 2);
  let [sub, ...opts] = rest;
  if ((sub === "container" && (opts[0] === "run" || opts[0] === "create")) || (sub === "image" && opts[0] === "pull")) [sub, ...opts] = opts;
  if (sub === "pull") return opts.find((o) => !o.startsWith("-"));
  if (sub !== "run" && sub !== "create") return undefined;
  for (let i = 0; i < opts.length; i++) {
    const o = opts[i];
    if (o === "--") return opts[i + 1];
    if (!o.startsWith("-") || o === "-") return o;
    if (o.includes("=") || DOCKER_RUN_FLAGS.has(o)) continue;
    if (/^-[A-Za-z]+$/.test(o) && [...o.slice(1)].every((l) => SHORT_FLAG_LETTERS.has(l))) continue;
    i++; // the option's value
  }
  return undefined;
}
