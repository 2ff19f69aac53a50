/**
 * Which of the parent's Node flags a pool's worker should get. One pure
 * function for every Node adapter, so that threads and processes follow one
 * rule each:
 *
 * - Never the flags that would make a worker run the parent's script or
 *   stop it from starting: `-e`/`--eval`, `-p`/`--print`, `--input-type`,
 *   `--test*`, `--watch*`, and `--inspect*` (a second debugger on the port).
 * - A worker **thread** takes only per-thread Node options: per-process and
 *   V8 flags (`--max-old-space-size`, `--expose-gc`, `--stack-size`,
 *   `--stack-trace-limit`, `--title`, ...) make `new Worker()` throw
 *   `ERR_WORKER_INVALID_EXEC_ARGV`. Where the parent has no flag to remove,
 *   the answer is `undefined`: Node then passes the parent's own flags on
 *   itself, and tolerates the per-process ones (they already apply to the
 *   whole process).
 * - A child **process** takes every other flag.
 *
 * @example
 * ```ts
 * workerExecArgv(["--max-old-space-size=512"], "thread"); // undefined: let Node inherit
 * workerExecArgv(["--test", "--stack-trace-limit=10", "--import", "tsx"], "thread"); // ["--import", "tsx"]
 * workerExecArgv(["--input-type=module", "--expose-gc"], "process"); // ["--expose-gc"]
 * ```
 */
export function workerExecArgv(parentArgv: readonly string[], target: "thread" | "process"): string[] | undefined {
  const flags = splitFlags(parentArgv);
  const unfitCount = flags.filter((flag) => unfitFlag.test(flag.name)).length;
  if (target === "thread" && unfitCount === 0) return undefined;
  const kept = flags.filter((flag) => !unfitFlag.test(flag.name) && (target === "process" || perThreadFlag.test(flag.name)));
  return kept.flatMap((flag) => flag.tokens);
}

/** Flags that would make a worker run the parent's script, never start, or fight over a debugger port. */
const unfitFlag = /^(-e|-p|--eval|--print|--input-type|--test(-[a-z-]+)?|--watch(-[a-z-]+)?|--inspect(-brk|-port|-wait|-publish-uid)?|--debug-port)$/;

/** Node options a worker thread accepts in its own `execArgv` (per-isolate and per-environment ones). */
const perThreadFlag = new RegExp(
  "^(" +
    [
      "--import", "--require", "-r", "--loader", "--experimental-loader", "--conditions", "-C",
      "--enable-source-maps", "--no-warnings", "--no-deprecation", "--disable-warning", "--trace-warnings",
      "--pending-deprecation", "--throw-deprecation", "--trace-deprecation", "--unhandled-rejections",
      "--preserve-symlinks", "--preserve-symlinks-main", "--trace-uncaught", "--trace-exit",
      "--experimental-[a-z-]+", "--no-experimental-[a-z-]+", "--no-addons", "--no-global-search-paths",
      "--dns-result-order", "--network-family-autoselection", "--no-network-family-autoselection",
      "--async-context-frame", "--no-async-context-frame", "--disable-proto", "--frozen-intrinsics",
    ].join("|") +
    ")$",
);

/** Flags whose value is the next token when it is not written as `--flag=value`. */
const takesValue = /^(-e|-p|--eval|--print|--input-type|--import|--require|-r|--loader|--experimental-loader|--conditions|-C|--disable-warning|--unhandled-rejections|--dns-result-order|--test-[a-z-]+|--watch-path|--inspect-port|--debug-port|--title|--stack-size|--max-old-space-size|--env-file|--disable-proto)$/;

interface Flag {
  name: string;
  tokens: string[];
}

/** Groups `["--import", "tsx", "--no-warnings"]` into flags with their values. */
function splitFlags(argv: readonly string[]): Flag[] {
  const flags: Flag[] = [];
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index]!;
    const equals = token.indexOf("=");
    const name = token.startsWith("--") && equals !== -1 ? token.slice(0, equals) : token;
    const tokens = [token];
    const next = argv[index + 1];
    if (equals === -1 && takesValue.test(name) && next !== undefined && (!next.startsWith("-") || /^(-e|-p|--eval|--print)$/.test(name))) {
      tokens.push(next);
      index++;
    }
    flags.push({ name, tokens });
  }
  return flags;
}
