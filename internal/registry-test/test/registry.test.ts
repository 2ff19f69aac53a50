// Published packages, installed the way users install them. Every public
// package goes through the real release path (`changeset publish`, from a
// throwaway clone) into a local verdaccio with no uplinks; then fresh projects
// outside the workspace install `offloop` from that registry only, with npm,
// pnpm, `bun add` and Deno's npm: specifiers, and run a user's program (a task
// in a ThreadPoolExecutor and one in a ProcessPoolExecutor) on Node 20, Node
// 24, Bun and Deno. The installed .d.ts files are type-checked as a user's
// project would check them (target ES2022 and ESNext, skipLibCheck off and on).
// This catches missing files, wrong exports, `workspace:` ranges that leak,
// types that only check inside the monorepo, and anything that only worked
// through the workspace's symlinks.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bin,
  hermeticEnv,
  lastJsonLine,
  node22,
  node24,
  prepareRelease,
  publicPackages,
  resolvePnpm,
  root,
  run,
  startRegistry,
  tags,
  tokenVariables,
  typeCheck,
  type Registry,
} from "../src/registry.ts";

const fixtures = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../fixtures");
const packages = publicPackages();
const expected = (runtime: string) => ({ runtime, threads: [55, 6765], process: { fib: 610, otherProcess: true } });

let scratch: string;
let env: NodeJS.ProcessEnv;
/** The environment of every install: the local registry only, for npm, pnpm, Bun and Deno alike. */
let registryEnv: NodeJS.ProcessEnv;
let registry: Registry | undefined;
let clone: string;
let tagsBefore: string[];
let npmProject: string;

/** A fresh project outside the workspace, with a package.json and the given fixture files. */
function project(name: string, fixtureDir?: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: `offloop-user-${name}`, private: true, type: "module" }, null, 2)}\n`);
  if (fixtureDir) cpSync(join(fixtures, fixtureDir), dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  const tokens = tokenVariables();
  if (tokens.length > 0) {
    throw new Error(`refusing to run: ${tokens.join(", ")} is set. This test publishes every package; with a token in reach a wrong registry setting could publish to the real one. Unset it; for pnpm release, keep the token in ~/.npmrc (npm login), which this test never reads.`);
  }
  scratch = mkdtempSync(join(tmpdir(), "offloop-registry-"));
  expect(scratch.startsWith(root)).toBe(false);
  env = hermeticEnv(scratch);
  // pnpm is found (and if need be fetched by npm) before any registry setting exists, so npx/npm exec never asks the local one.
  const pnpm = await resolvePnpm(env, scratch);
  const shim = join(scratch, "bin");
  mkdirSync(shim);
  symlinkSync(pnpm, join(shim, "pnpm"));
  registry = await startRegistry(join(scratch, "registry"), env);
  registryEnv = {
    ...env,
    PATH: `${shim}:${env.PATH}`,
    // changesets sets npm_config_registry for its `pnpm publish` child, which pnpm 12 ignores: pnpm_config_registry too.
    npm_config_registry: registry.url,
    pnpm_config_registry: registry.url,
    NPM_CONFIG_REGISTRY: registry.url, // Bun and Deno read this spelling
    npm_config_cache: join(scratch, "npm-cache"),
    BUN_INSTALL_CACHE_DIR: join(scratch, "bun-cache"),
    DENO_DIR: join(scratch, "deno-dir"),
  };
  tagsBefore = await tags(root, env);
  const started = Date.now();
  clone = await prepareRelease(scratch, env);
  await run(bin("changeset"), ["publish"], { cwd: clone, env: registryEnv });
  console.log(`changeset publish: ${packages.length} packages to ${registry.url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 240_000);

afterAll(async () => {
  await registry?.stop();
  if (scratch && !process.env.KEEP) rmSync(scratch, { recursive: true, force: true });
  else if (scratch) console.log(`kept ${scratch}`);
});

describe("changeset publish to a local registry", () => {
  it("publishes every public package at its version, with real version ranges, the files its exports point to, README and LICENSE", async () => {
    for (const pkg of packages) {
      const response = await fetch(`${registry!.url}${pkg.name.replace("/", "%2f")}`);
      expect(response.status, `${pkg.name} is not in the registry`).toBe(200);
      const packument = (await response.json()) as { versions: Record<string, any> };
      const published = packument.versions[pkg.version];
      expect(published, `${pkg.name}@${pkg.version}`).toBeDefined();
      for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
        for (const [name, range] of Object.entries<string>(published[field] ?? {})) expect(range, `${pkg.name} ${field}.${name}`).not.toMatch(/^workspace:/);
      }
      const tarball = join(scratch, `${pkg.name.replace("/", "-")}.tgz`);
      writeFileSync(tarball, Buffer.from(await (await fetch(published.dist.tarball)).arrayBuffer()));
      const listing = (await run("tar", ["tzf", tarball], { cwd: scratch, env })).stdout.split("\n");
      for (const [path, target] of exportTargets(pkg.json)) expect(listing, `${pkg.name}: ${path} -> ${target}`).toContain(join("package", target));
      expect(listing, pkg.name).toContain("package/README.md");
      expect(listing, pkg.name).toContain("package/LICENSE");
      // Declarations that name Symbol.asyncDispose / Disposable bring the lib that declares them (tsup's dts banner).
      for (const file of listing.filter((entry) => entry.endsWith(".d.ts"))) {
        const text = (await run("tar", ["xzfO", tarball, file], { cwd: scratch, env })).stdout;
        if (/Symbol\.(async)?[dD]ispose|\bAsyncDisposable\b|\bDisposable\b/.test(text)) {
          expect(text.split("\n")[0], `${pkg.name} ${file}`).toBe('/// <reference lib="esnext.disposable" />');
        }
      }
    }
  });

  it("tags the throwaway clone, never the repository", async () => {
    expect(await tags(clone, env)).toEqual(expect.arrayContaining(packages.map((pkg) => `${pkg.name}@${pkg.version}`)));
    expect(await tags(root, env)).toEqual(tagsBefore);
  });
});

describe("npm install, then Node", () => {
  beforeAll(async () => {
    npmProject = project("npm", "js");
    cpSync(join(fixtures, "ts"), npmProject, { recursive: true });
    cpSync(join(fixtures, "core"), npmProject, { recursive: true });
    await run("npm", ["install", "--no-audit", "--no-fund", "offloop", "@offloop/core"], { cwd: npmProject, env: registryEnv });
  }, 120_000);

  it("installs one @offloop/core for every package (the adapters peer-depend on it)", async () => {
    const { stdout } = await run("find", ["node_modules", "-path", "*/@offloop/core/package.json"], { cwd: npmProject, env });
    expect(stdout.trim().split("\n")).toEqual(["node_modules/@offloop/core/package.json"]);
  });

  it(`node main.mjs on the machine's Node (${process.version}): a JavaScript task module`, async () => {
    const { stdout } = await run(process.execPath, ["main.mjs"], { cwd: npmProject, env });
    expect(lastJsonLine(stdout)).toEqual(expected("node"));
  });

  it("node main.ts on Node 24: TypeScript task module and `await using`, unchanged", async () => {
    expect((await run(node24, ["--version"], { cwd: npmProject, env })).stdout).toMatch(/^v24\./);
    const { stdout } = await run(node24, ["main.ts"], { cwd: npmProject, env });
    expect(lastJsonLine(stdout)).toEqual(expected("node"));
  });

  it("the README's ten lines run as written with node main.ts on Node 24", async () => {
    const { tasks, main, inputs } = readmeTenLines();
    const dir = join(npmProject, "readme");
    mkdirSync(dir);
    writeFileSync(join(dir, "tasks.ts"), tasks);
    writeFileSync(join(dir, "main.ts"), main);
    const { stdout } = await run(node24, ["main.ts"], { cwd: dir, env });
    const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
    expect(stdout.trim()).toBe(inspect(inputs.map(fib)));
  });

  it("node main-node22.ts on Node 22: TypeScript task module without `await using` (the README's main.ts is a SyntaxError there)", async () => {
    expect((await run(node22, ["--version"], { cwd: npmProject, env })).stdout).toMatch(/^v22\./);
    const { stdout } = await run(node22, ["main-node22.ts"], { cwd: npmProject, env });
    expect(lastJsonLine(stdout)).toEqual(expected("node"));
    // What the Runtimes table in README.md says: Node 22 cannot run `await using`.
    await expect(run(node22, ["main.ts"], { cwd: npmProject, env })).rejects.toThrow(/SyntaxError/);
  });

  it("node core.ts on Node 24: @offloop/core alone (InlineExecutor, Semaphore, gather, `using`)", async () => {
    const { stdout } = await run(node24, ["core.ts"], { cwd: npmProject, env });
    expect(lastJsonLine(stdout)).toEqual({ sums: [2, 4, 6] });
  });
});

describe("the installed types in a user's tsconfig (module NodeNext, strict)", () => {
  // A Node app has @types/node; code on @offloop/core alone (runtime-agnostic) may not, and core's types must stand alone
  // (without the esnext.disposable reference in core's .d.ts, the ES2022 checks of core.ts fail with TS2550/TS2318).
  // @types/node's own files are checked once, with ES2022: a clash between them and the lib our .d.ts pull in shows there.
  for (const target of ["ES2022", "ESNext"] as const) {
    for (const skipLibCheck of [false, true]) {
      it(`offloop + @types/node, target ${target}, skipLibCheck ${skipLibCheck}`, () => {
        const config = { target, skipLibCheck, nodeTypes: true, checkNodeTypes: target === "ES2022" };
        expect(typeCheck(npmProject, `app-${target}-${skipLibCheck}`, ["main.ts", "main-node22.ts", "types.ts"], config)).toEqual([]);
      });
      it(`@offloop/core without @types/node, target ${target}, skipLibCheck ${skipLibCheck}`, () => {
        expect(typeCheck(npmProject, `core-${target}-${skipLibCheck}`, ["core.ts"], { target, skipLibCheck, nodeTypes: false })).toEqual([]);
      });
    }
  }
  it("offloop under the bun condition (customConditions), target ES2022, skipLibCheck false", () => {
    // @types/node's own files were checked with this target above: only the bun entry's types are new here.
    const config = { target: "ES2022", skipLibCheck: false, nodeTypes: true, customConditions: ["bun"], checkNodeTypes: false } as const;
    expect(typeCheck(npmProject, "bun-condition", ["main.ts", "types.ts"], config)).toEqual([]);
  });
});

describe("pnpm add, then Node", () => {
  it(`node main.mjs on the machine's Node (${process.version}), in pnpm's isolated node_modules`, async () => {
    const dir = project("pnpm", "js");
    await run("pnpm", ["add", "offloop", "--store-dir", join(scratch, "pnpm-store"), "--cache-dir", join(scratch, "pnpm-cache")], { cwd: dir, env: registryEnv });
    expect(existsSync(join(dir, "node_modules/.pnpm"))).toBe(true);
    const { stdout } = await run(process.execPath, ["main.mjs"], { cwd: dir, env });
    expect(lastJsonLine(stdout)).toEqual(expected("node"));
  }, 120_000);
});

describe("bun add, then Bun", () => {
  it("bun main.ts", async () => {
    const dir = project("bun", "ts");
    await run(bin("bun"), ["add", "offloop"], { cwd: dir, env: registryEnv });
    const { stdout } = await run(bin("bun"), ["main.ts"], { cwd: dir, env });
    expect(lastJsonLine(stdout)).toEqual(expected("bun"));
  }, 120_000);
});

describe("Deno with npm:offloop specifiers", () => {
  it("deno run -A main.ts, then deno check main.ts", async () => {
    const dir = project("deno", "deno");
    rmSync(join(dir, "package.json")); // a Deno project: deno.json only
    const { stdout } = await run(bin("deno"), ["run", "-A", "main.ts"], { cwd: dir, env: registryEnv });
    expect(lastJsonLine(stdout)).toEqual(expected("deno"));
    await run(bin("deno"), ["check", "main.ts"], { cwd: dir, env: registryEnv });
    expect(readdirSync(dir)).not.toContain("node_modules");
  }, 120_000);
});

/** Every file that an exports map or bin points to, with the condition path that leads to it. */
function exportTargets(json: Record<string, any>): [string, string][] {
  const targets: [string, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") targets.push([path, value]);
    else if (value && typeof value === "object") for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
  };
  walk(json.exports, "exports");
  walk(typeof json.bin === "string" ? { [json.name]: json.bin } : json.bin, "bin");
  return targets;
}

/** The README's "Ten lines" example, split into its two files, and the numbers main.ts maps over. */
function readmeTenLines(): { tasks: string; main: string; inputs: number[] } {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const block = /^## Ten lines[\s\S]*?^```ts\n([\s\S]*?)^```/m.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no ```ts block under "## Ten lines"');
  const split = block.search(/^\/\/ main\.ts/m);
  if (split < 0) throw new Error('the README\'s example has no "// main.ts" line to split the two files at');
  const main = block.slice(split);
  const inputs = /\[([\d,\s]+)\]\.map/.exec(main)?.[1].split(",").map(Number);
  if (!inputs) throw new Error("the README's main.ts no longer maps over a list of numbers; update this test");
  return { tasks: block.slice(0, split), main, inputs };
}
