import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { ThreadPoolExecutor } from "@offloop/deno-worker";
import tasks from "./fixtures/tasks.ts";

const fixtures = new URL("./fixtures/", import.meta.url);
const allowedFile = new URL("allowed.txt", fixtures);
const deniedFile = new URL("../../package.json", fixtures);
/** Deno checks the dynamic import of a task module against `read`, so a sandbox grants its directory. */
const taskModules = fixtures.pathname;

describe("@offloop/deno-worker permissions", () => {
  it("lets a task read what it was granted", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1, permissions: { read: [fixtures.pathname] } });
    assert.equal((await executor.submit(tasks.readText, allowedFile.pathname)).trim(), "granted");
  });

  it("denies a read outside the grant with Deno's NotCapable error, name and message kept", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1, permissions: { read: [fixtures.pathname] } });
    await assert.rejects(executor.submit(tasks.readText, deniedFile.pathname), (error: Error) => {
      assert.equal(error.name, "NotCapable");
      assert.match(error.message, /Requires read access to ".*package\.json"/);
      return true;
    });
  });

  it("denies the network when net is not granted", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1, permissions: { read: [taskModules], net: false } });
    await assert.rejects(executor.submit(tasks.fetchStatus, "http://127.0.0.1:65535/"), { name: "NotCapable", message: /Requires net access to "127\.0\.0\.1:65535"/ });
  });

  it("denies everything with \"none\", even importing a task module, and still runs self-contained functions", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1, permissions: "none" });
    assert.equal(await executor.submit((n: number) => n * n, 9), 81);
    await assert.rejects(executor.submit((path: string) => Deno.readTextFileSync(path), allowedFile.pathname), { name: "NotCapable" });
    await assert.rejects(executor.submit(tasks.square, 9), { message: /Requires read access to ".*tasks\.ts"/ });
  });

  it("rejects a malformed permissions option with a TypeError naming it", () => {
    assert.throws(() => new ThreadPoolExecutor({ permissions: { disk: true } as never }), { name: "TypeError", message: /Unknown permission "disk"/ });
    assert.throws(() => new ThreadPoolExecutor({ permissions: { read: 3 } as never }), { name: "TypeError", message: /permissions\.read/ });
    assert.throws(() => new ThreadPoolExecutor({ permissions: "all" as never }), { name: "TypeError", message: /Expected permissions/ });
  });
});
