import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { WorkerCrashedError } from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/deno-worker";
import tasks from "./fixtures/tasks.ts";

const deno = Deno.execPath();
const here = new URL(".", import.meta.url);
/** Resolves the workspace packages like the repo's deno.json, but leaves worker-options off. */
const withoutFlag = `--config=${new URL("./fixtures/deno-no-worker-options.json", import.meta.url).pathname}`;

/** Runs a script in a fresh Deno with the given flags. */
function runDeno(flags: string[], script: string) {
  const child = spawnSync(deno, ["eval", ...flags, script], { encoding: "utf8", timeout: 20_000, cwd: here.pathname });
  // Plain text whatever the caller's terminal settings: Deno colours console.log(5) under any FORCE_COLOR.
  return { ...child, stdout: child.stdout.replace(/\x1b\[[0-9;]*m/g, "") };
}

const imports = `
  import { ThreadPoolExecutor } from "${new URL("../dist/index.js", import.meta.url).href}";
  import tasks from "${new URL("./fixtures/tasks.ts", import.meta.url).href}";`;

describe("@offloop/deno-worker on Deno", () => {
  it("reports what Deno can and cannot do", async () => {
    const executor = new ThreadPoolExecutor();
    assert.deepEqual(executor.capabilities, { transfer: true, sharedMemory: true, resourceLimits: false, permissions: true, terminatesBusyLoop: false, crashIsolation: true, unref: false });
    assert.equal(executor.options.idleTimeout, 100);
    await executor.shutdown();
  });

  it("fails only the task whose worker an uncaught error killed, and the process survives", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    await assert.rejects(executor.submit(tasks.crash), (error: Error) => WorkerCrashedError.isInstance(error) && /stray timer blew up/.test(error.message));
    assert.equal(await executor.submit(tasks.square, 7), 49);
  });

  it("lets a script exit soon after its last task, without shutdown()", () => {
    const started = performance.now();
    const child = runDeno([withoutFlag, "--no-check"], `${imports}
      const executor = new ThreadPoolExecutor({ maxWorkers: 2 });
      console.log(await executor.submit(tasks.square, 12));`);
    assert.equal(child.stdout.trim(), "144", child.stderr);
    assert.equal(child.status, 0);
    assert.ok(performance.now() - started < 10_000, "the process exited");
  });

  it("throws a clear error naming both ways to enable worker-options when the flag is missing, instead of exiting with 70", () => {
    const child = runDeno([withoutFlag, "--no-check"], `
      import { ThreadPoolExecutor } from "${new URL("../dist/index.js", import.meta.url).href}";
      try { new ThreadPoolExecutor({ permissions: { net: false } }); console.log("constructed"); }
      catch (error) { console.log("caught:", error.message); }`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /caught: .*--unstable-worker-options.*"unstable": \["worker-options"\] in deno\.json/);
  });

  it("needs no flag when permissions are not asked for", () => {
    const child = runDeno([withoutFlag, "--no-check"], `
      import { ThreadPoolExecutor } from "${new URL("../dist/index.js", import.meta.url).href}";
      const executor = new ThreadPoolExecutor({ permissions: "inherit" });
      console.log(await executor.submit((a, b) => a + b, 2, 3));
      await executor.shutdown();`);
    assert.equal(child.stdout.trim(), "5", child.stderr);
  });

  it("sees the flag when it is given on the command line or in a config file", () => {
    const script = `
      import { ThreadPoolExecutor } from "${new URL("../dist/index.js", import.meta.url).href}";
      const executor = new ThreadPoolExecutor({ maxWorkers: 1, permissions: { net: false } });
      console.log(await executor.submit((a, b) => a * b, 6, 7));
      await executor.shutdown();`;
    const flag = runDeno([withoutFlag, "--no-check", "--unstable-worker-options"], script);
    assert.equal(flag.stdout.trim(), "42", flag.stderr);
    const config = runDeno([`--config=${new URL("./fixtures/deno-worker-options.json", import.meta.url).pathname}`, "--no-check"], script);
    assert.equal(config.stdout.trim(), "42", config.stderr);
  });
});
