// What a user gets from npm, tested before it is published: every public
// package is packed with `pnpm pack` (so `workspace:` ranges become real
// ones), the tarballs are installed with npm into a scratch project outside
// the workspace, and a user's script (a task module + a main module) runs on
// Node, Bun and Deno through `offloop` and through the runtime's own adapter.
// This catches missing files, wrong exports, types that do not resolve, and
// anything that only worked through the workspace's symlinks.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const bin = (name) => join(root, "node_modules/.bin", name);
const publicPackages = readdirSync(join(root, "packages"))
  .map((dir) => ({ dir: join(root, "packages", dir), json: JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) }))
  .filter((pkg) => !pkg.json.private);
// Installed into the scratch project: the packages whose npm dependencies are
// only other offloop packages, so the install needs no registry at all.
// (@offloop/threads and @offloop/bullmq pull threads.js, BullMQ and ioredis:
// they are packed and their tarballs checked, but not installed here.)
const installed = ["@offloop/core", "@offloop/node-worker-threads", "@offloop/node-child-process", "@offloop/bun-worker", "@offloop/deno-worker", "offloop"];

let packs;
let scratch;
const tarballs = new Map();

function run(command, args, cwd, env = {}) {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...env } });
  } catch (error) {
    throw new Error(`${command} ${args.join(" ")} failed (in ${cwd}):\n${error.stdout ?? ""}${error.stderr ?? ""}`, { cause: error });
  }
}

/** Every file that an exports map or bin points to, with the condition path that leads to it. */
function exportTargets(json) {
  const targets = [];
  const walk = (value, path) => {
    if (typeof value === "string") targets.push([path, value]);
    else if (value && typeof value === "object") for (const [key, inner] of Object.entries(value)) walk(inner, `${path}.${key}`);
  };
  walk(json.exports, "exports");
  walk(typeof json.bin === "string" ? { [json.name]: json.bin } : json.bin, "bin");
  return targets;
}

before(() => {
  packs = mkdtempSync(join(tmpdir(), "offloop-packs-"));
  for (const pkg of publicPackages) {
    const before = new Set(readdirSync(packs));
    run("pnpm", ["pack", "--pack-destination", packs], pkg.dir);
    const [file] = readdirSync(packs).filter((name) => !before.has(name));
    tarballs.set(pkg.json.name, join(packs, file));
  }
  scratch = mkdtempSync(join(tmpdir(), "offloop-user-"));
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "offloop-user", private: true, type: "module" }, null, 2));
  // Deno: use the node_modules that npm made, and turn on worker-options (the Deno adapter's permissions).
  writeFileSync(join(scratch, "deno.json"), JSON.stringify({ nodeModulesDir: "manual", unstable: ["worker-options"] }, null, 2));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--registry=https://registry.npmjs.org/", ...installed.map((name) => tarballs.get(name))], scratch);
  writeFileSync(join(scratch, "tasks.mjs"), tasksModule());
  writeFileSync(join(scratch, "main.mjs"), main("mjs"));
  writeFileSync(join(scratch, "main.ts"), main("ts"));
  writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", lib: ["ES2023", "ESNext.Disposable", "DOM"], module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, allowJs: true, checkJs: false, skipLibCheck: true, types: ["node"], typeRoots: [join(root, "node_modules/@types")] }, files: ["main.ts"] }, null, 2));
});

after(() => {
  if (!process.env.KEEP) for (const dir of [packs, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
});

function tasksModule() {
  return `// A user's task module: plain JavaScript, so that Node 20's workers can import it.
import { defineTasks } from "offloop";
export default defineTasks(import.meta.url, {
  /** @param {number} n @returns {number} */
  fib(n) { return n < 2 ? n : this.fib(n - 1) + this.fib(n - 2); },
  /** @param {string} name */
  greet(name) { return \`hello \${name} from a worker\`; },
});
`;
}

function main(ext) {
  const types = ext === "ts" ? ": Promise<string>" : "";
  return `import { ThreadPoolExecutor, gather, runInExecutor, runtime } from "offloop";
import tasks from "./tasks.mjs";

const adapters = { node: "@offloop/node-worker-threads", bun: "@offloop/bun-worker", deno: "@offloop/deno-worker" };
const { ThreadPoolExecutor: AdapterExecutor } = await import(adapters[runtime]);

const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
const fibs = await gather([10, 20].map((n) => runInExecutor(executor, tasks.fib, n)));
await executor.shutdown();

const adapter = new AdapterExecutor({ maxWorkers: 1 });
const greeting${types ? ": string" : ""} = await adapter.submit(tasks.greet, runtime);
await adapter.shutdown();

const inline = await runInExecutor(null, (a${ext === "ts" ? ": number" : ""}, b${ext === "ts" ? ": number" : ""}) => a + b, 2, 3);
console.log(JSON.stringify({ runtime, fibs, greeting, inline }));
${ext === "ts" ? `
// The packed .d.ts files resolve (a type that failed to resolve would be any): task handles keep their types.
type IsAny<T> = 0 extends 1 & T ? true : false;
const typed: [IsAny<typeof fibs>, IsAny<typeof executor.stats>, IsAny<typeof tasks.fib>] = [false, false, false];
function neverCalled() {
  // @ts-expect-error fib takes a number
  void runInExecutor(null, tasks.fib, "ten");
}
void typed, neverCalled;
` : ""}`;
}

const expected = (runtime) => ({ runtime, fibs: [55, 6765], greeting: `hello ${runtime} from a worker`, inline: 5 });
/** The script's last line, parsed; shown in the test report as a diagnostic. */
function output(stdout, t) {
  const line = stdout.trim().split("\n").at(-1);
  t.diagnostic(line);
  return JSON.parse(line);
}

test("every public package's tarball holds the files its exports and bin point to", () => {
  for (const pkg of publicPackages) {
    const listing = run("tar", ["tzf", tarballs.get(pkg.json.name)], packs).split("\n");
    for (const [path, target] of exportTargets(pkg.json)) {
      assert.ok(listing.includes(join("package", target)), `${pkg.json.name}: ${path} -> ${target} is not in the tarball`);
    }
    assert.ok(listing.includes("package/LICENSE"), `${pkg.json.name}: no LICENSE in the tarball`);
    assert.ok(listing.includes("package/README.md"), `${pkg.json.name}: no README.md in the tarball`);
  }
});

test("packed package.json files carry real version ranges, no workspace: protocol", () => {
  for (const pkg of publicPackages) {
    const packed = JSON.parse(run("tar", ["xzfO", tarballs.get(pkg.json.name), "package/package.json"], packs));
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [name, range] of Object.entries(packed[field] ?? {})) assert.doesNotMatch(range, /^workspace:/, `${pkg.json.name} ${field}.${name}`);
    }
  }
});

test("the install is a real copy outside the workspace", () => {
  assert.ok(!scratch.startsWith(root));
  for (const name of installed) assert.ok(existsSync(join(scratch, "node_modules", name, "package.json")), name);
  // One @offloop/core for everyone (adapters peer-depend on it), so tasks register where workers look.
  assert.equal(run("find", ["node_modules", "-path", "*/@offloop/core/package.json"], scratch).trim().split("\n").length, 1);
});

test("node main.mjs", (t) => {
  assert.deepEqual(output(run(process.execPath, ["main.mjs"], scratch), t), expected("node"));
});

test("bun main.mjs and bun main.ts", (t) => {
  assert.deepEqual(output(run(bin("bun"), ["main.mjs"], scratch), t), expected("bun"));
  assert.deepEqual(output(run(bin("bun"), ["main.ts"], scratch), t), expected("bun"));
});

test("deno run -A main.mjs and main.ts (type-checked against the deno condition's types)", (t) => {
  assert.deepEqual(output(run(bin("deno"), ["run", "-A", "main.mjs"], scratch), t), expected("deno"));
  run(bin("deno"), ["check", "main.ts"], scratch);
  assert.deepEqual(output(run(bin("deno"), ["run", "-A", "main.ts"], scratch), t), expected("deno"));
});

// A TypeScript user on Node has @types/node; the scratch project borrows the workspace's copy rather than download it.
test("tsc resolves the packed types under the node and bun conditions", () => {
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  run(process.execPath, [tsc, "-p", "tsconfig.json"], scratch);
  run(process.execPath, [tsc, "-p", "tsconfig.json", "--customConditions", "bun"], scratch);
});
