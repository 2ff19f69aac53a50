/** What the Deno adapter reads of the host to find out whether `--unstable-worker-options` is on. */
export interface DenoHostInfo {
  mainModule: string;
  cwd(): string;
  readTextFileSync(path: string | URL): string;
  permissions: { querySync(descriptor: { name: "read"; path: string | URL }): { state: string } };
}

/**
 * Whether Deno's "worker-options" unstable feature is on. Deno has no API
 * that says so, and spawning a Worker with `deno.permissions` without it
 * exits the whole process with code 70. So look where Deno looks: the
 * command line (Linux `/proc/self/cmdline`), then the config file
 * (`--config`, or the `deno.json`/`deno.jsonc` found above the main module
 * or the working directory). "unknown" when it cannot be told (no
 * `/proc`, or a file we may not read).
 */
export function workerOptionsFlag(deno: DenoHostInfo): "enabled" | "disabled" | "unknown" {
  const args = commandLine(deno);
  if (args?.some((arg) => arg === "--unstable-worker-options" || arg === "--unstable")) return "enabled";
  let unsure = args === undefined;
  const cwd = directoryUrl(deno.cwd());
  let configs: URL[];
  const explicit = args && configArgument(args);
  if (explicit === null) return unsure ? "unknown" : "disabled";
  if (explicit !== undefined) configs = [new URL(explicit, cwd)];
  else {
    configs = [];
    for (const start of [new URL(".", deno.mainModule), cwd]) {
      if (start.protocol !== "file:") continue;
      for (let dir = start; ; dir = new URL("..", dir)) {
        configs.push(new URL("deno.json", dir), new URL("deno.jsonc", dir));
        if (dir.pathname === "/" || /^\/[A-Za-z]:\/$/.test(dir.pathname)) break;
      }
    }
  }
  for (const config of configs) {
    const text = readIfAllowed(deno, config);
    if (text === null) unsure = true;
    else if (text !== undefined && /"unstable"\s*:\s*\[[^\]]*"worker-options"/.test(text)) return "enabled";
  }
  return unsure ? "unknown" : "disabled";
}

/** The message of the error thrown when permissions are asked for without the flag. */
export const MISSING_FLAG_MESSAGE =
  'The permissions option needs Deno\'s "worker-options" unstable feature, which is off (without it Deno would exit with code 70 at the first worker). ' +
  'Enable it with the --unstable-worker-options flag (deno run --unstable-worker-options main.ts) or with "unstable": ["worker-options"] in deno.json.';

function commandLine(deno: DenoHostInfo): string[] | undefined {
  const text = readIfAllowed(deno, "/proc/self/cmdline");
  return typeof text === "string" ? text.split("\0").filter(Boolean) : undefined;
}

/** The `--config` file, `null` for `--no-config`, `undefined` when neither was given. Flags after the script belong to the script. */
function configArgument(args: string[]): string | null | undefined {
  for (let index = 1; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "--no-config") return null;
    if (arg === "--config" || arg === "-c") return args[index + 1];
    if (arg.startsWith("--config=")) return arg.slice("--config=".length);
    if (!arg.startsWith("-") && index > 1) return undefined;
  }
  return undefined;
}

/** The file's text; `undefined` if it does not exist; `null` if we may not read it. */
function readIfAllowed(deno: DenoHostInfo, path: string | URL): string | null | undefined {
  try {
    if (deno.permissions.querySync({ name: "read", path }).state !== "granted") return null;
    return deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function directoryUrl(path: string): URL {
  const slashed = path.replace(/\\/g, "/");
  return new URL(`file://${slashed.startsWith("/") ? "" : "/"}${slashed}${slashed.endsWith("/") ? "" : "/"}`);
}
