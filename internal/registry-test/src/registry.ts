// The machinery of the registry test: a hermetic environment for the child
// processes, a local verdaccio, a throwaway clone to publish from, and an
// in-process TypeScript type check.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TypeScript from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../../..");
export const bin = (name: string) => join(root, "node_modules/.bin", name);
export const node22 = join(root, "node_modules/node22/bin/node");
export const node24 = join(root, "node_modules/node24/bin/node");

export interface PublicPackage {
  dir: string;
  name: string;
  version: string;
  json: Record<string, any>;
}

/** Every package under packages/ that is not private: what `changeset publish` publishes. */
export function publicPackages(): PublicPackage[] {
  return readdirSync(join(root, "packages"))
    .filter((folder) => existsSync(join(root, "packages", folder, "package.json")))
    .map((folder) => {
      const dir = join(root, "packages", folder);
      const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { dir, name: json.name, version: json.version, json };
    })
    .filter((pkg) => !pkg.json.private);
}

/** Environment variables that hold a publish token: with one present the test refuses to run. */
export function tokenVariables(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(env).filter((key) => /^(NPM_TOKEN|NODE_AUTH_TOKEN)$|_auth(token)?$|npm.*token|token.*npm/i.test(key) && env[key]);
}

/**
 * The environment every child gets: no npm_* / pnpm_* settings inherited from
 * the pnpm that runs the tests, an empty user config (no ~/.npmrc registry or
 * token), plain output, and this Node first on PATH (node_modules/.bin holds
 * Node 24 as `node`).
 */
export function hermeticEnv(scratch: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(key) || key === "FORCE_COLOR" || tokenVariables({ [key]: value }).length > 0) continue;
    env[key] = value;
  }
  const userconfig = join(scratch, "empty.npmrc");
  if (!existsSync(userconfig)) writeFileSync(userconfig, "");
  const nodeDir = dirname(process.execPath);
  return {
    ...env,
    NO_COLOR: "1",
    npm_config_userconfig: userconfig,
    npm_config_update_notifier: "false",
    PATH: [nodeDir, ...(env.PATH ?? "").split(delimiter).filter((entry) => entry && entry !== nodeDir)].join(delimiter),
    ...extra,
  };
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking this process's event loop (verdaccio's output is read meanwhile). */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { cwd: options.cwd, env: options.env, encoding: "utf8", maxBuffer: 64 << 20, timeout: 240_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${options.cwd} (${error.code ?? error.signal}):\n${stdout}\n${stderr}`));
      else resolvePromise({ stdout, stderr });
    });
  });
}

/** The last line of a program's output, parsed as JSON. */
export function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`expected a JSON line, got:\n${stdout}`);
  }
}

export interface Registry {
  url: string;
  storage: string;
  stop(): Promise<void>;
}

/** verdaccio on 127.0.0.1, anonymous publish, no uplinks (nothing is ever fetched from elsewhere). */
export async function startRegistry(dir: string, env: NodeJS.ProcessEnv): Promise<Registry> {
  const storage = join(dir, "storage");
  mkdirSync(storage, { recursive: true });
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(storage)}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(join(dir, "htpasswd"))}`,
      "    max_users: -1",
      "uplinks: {}",
      "packages:",
      '  "**":',
      "    access: $all",
      "    publish: $all",
      "    unpublish: $all",
      "web:",
      "  enable: false",
      `log: { type: file, path: ${JSON.stringify(join(dir, "verdaccio.log"))}, level: warn }`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(process.execPath, [join(here, "verdaccio.mjs"), config, join(root, "package.json")], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((resolvePort, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^listening (\d+)$/m.exec(output);
      if (match) resolvePort(Number(match[1]));
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`verdaccio exited (${code}) before listening:\n${output}`)));
  });
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  return {
    url: `http://127.0.0.1:${port}/`,
    storage,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** The pnpm that runs this repo (12.21.0), as a binary path: found once, before any registry is set. */
export async function resolvePnpm(env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const wanted = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.replace(/^pnpm@/, "");
  const { stdout } = await run("sh", ["-c", "command -v pnpm || true"], { cwd, env: process.env });
  const onPath = stdout.trim();
  if (onPath) {
    const version = await run(onPath, ["--version"], { cwd, env: process.env }).then((result) => result.stdout.trim(), () => "");
    if (version === wanted) return onPath;
  }
  // `npm exec` with the environment npm normally sees (the public registry): the local one must not be asked for pnpm.
  const found = await run("npm", ["exec", "--yes", `--package=pnpm@${wanted}`, "-c", "command -v pnpm"], { cwd, env: process.env });
  return found.stdout.trim().split("\n").at(-1)!;
}

/**
 * A throwaway clone of the repository to publish from: `changeset publish`
 * tags every package it publishes, and the tags must land in the clone, not in
 * the repository (a `git worktree` would share them). The clone gets what this
 * checkout would publish: the root manifest and workspace file, .changeset/,
 * and each public package's manifest, README, LICENSE and built dist; each
 * package's node_modules links to the checkout's, so that pnpm can turn
 * `workspace:` ranges into versions.
 */
export async function prepareRelease(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const clone = join(dir, "release");
  await run("git", ["clone", "--quiet", "--shared", "--no-checkout", root, clone], { cwd: dir, env });
  for (const file of ["package.json", "pnpm-workspace.yaml", "LICENSE"]) cpSync(join(root, file), join(clone, file));
  cpSync(join(root, ".changeset"), join(clone, ".changeset"), { recursive: true });
  for (const pkg of publicPackages()) {
    const target = join(clone, "packages", pkg.dir.split("/").at(-1)!);
    if (!existsSync(join(pkg.dir, "dist"))) throw new Error(`${pkg.name} has no dist/: build first (pnpm build)`);
    mkdirSync(target, { recursive: true });
    for (const file of ["package.json", "README.md", "LICENSE", "CHANGELOG.md"]) {
      if (existsSync(join(pkg.dir, file))) cpSync(join(pkg.dir, file), join(target, file));
    }
    cpSync(join(pkg.dir, "dist"), join(target, "dist"), { recursive: true });
    if (existsSync(join(pkg.dir, "node_modules"))) symlinkSync(join(pkg.dir, "node_modules"), join(target, "node_modules"));
  }
  return clone;
}

/** Tags in a git repository. */
export async function tags(repo: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { stdout } = await run("git", ["tag", "--list"], { cwd: repo, env });
  return stdout.split("\n").filter(Boolean);
}

export interface TypeCheckConfig {
  target: "ES2022" | "ESNext";
  skipLibCheck: boolean;
  /** true: "types": ["node"] from the workspace's @types/node; false: "types": [] */
  nodeTypes: boolean;
  customConditions?: readonly string[];
  /**
   * false: leave @types/node's own files (and undici-types) unchecked, when
   * another check already covered them with the same target and lib.
   */
  checkNodeTypes?: boolean;
}

const ts: typeof TypeScript = createRequire(join(root, "package.json"))("typescript");
const sourceFiles = new Map<string, TypeScript.SourceFile>();

/**
 * Type-checks `files` in `project` as tsc would with a tsconfig.json of these
 * options (written there too, for a human to re-run), in this process: parsed
 * and bound source files are shared between the checks, so a matrix of
 * settings costs one parse. TypeScript's own lib files are not checked
 * (`skipDefaultLibCheck`); every other .d.ts is, with skipLibCheck false.
 */
export function typeCheck(project: string, name: string, files: string[], config: TypeCheckConfig): string[] {
  const compilerOptions = {
    target: config.target,
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: config.skipLibCheck,
    skipDefaultLibCheck: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    types: config.nodeTypes ? ["node"] : [],
    ...(config.nodeTypes ? { typeRoots: [join(root, "node_modules/@types")] } : {}),
    ...(config.customConditions ? { customConditions: config.customConditions } : {}),
  };
  const tsconfig = join(project, `tsconfig.${name}.json`);
  writeFileSync(tsconfig, `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  })!;
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    let file = sourceFiles.get(key);
    if (!file) {
      file = read(fileName, languageVersion, onError, shouldCreate);
      if (file) sourceFiles.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  const formatHost = { getCanonicalFileName: (file: string) => file, getCurrentDirectory: () => project, getNewLine: () => "\n" };
  const nodeTypesFile = (fileName: string) => /\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?(@types\/node|undici-types)\//.test(fileName);
  const checked = program.getSourceFiles().filter((file) => config.checkNodeTypes !== false || !nodeTypesFile(file.fileName));
  const diagnostics = [
    ...parsed.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ];
  return diagnostics.map((diagnostic) => ts.formatDiagnostic(diagnostic, formatHost).trim());
}
