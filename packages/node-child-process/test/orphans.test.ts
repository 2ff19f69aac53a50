import { test } from "vitest";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { survivorsAfter, isAlive, runtimeCommand } from "./helpers.ts";

test("no child survives a SIGKILL of its parent, idle or busy in an endless loop", async () => {
  const [command, ...args] = runtimeCommand(fileURLToPath(new URL("./fixtures/orphan-parent.ts", import.meta.url)));
  const parent = spawn(command!, args, { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  const report = await new Promise<{ parent: number; children: number[] }>((resolve, reject) => {
    parent.stdout!.on("data", (chunk) => {
      output += chunk;
      const line = output.split("\n").find((candidate) => candidate.startsWith("{"));
      if (line) resolve(JSON.parse(line));
    });
    parent.on("exit", (code) => reject(new Error(`the parent exited early with code ${code}: ${output}`)));
  });
  assert.equal(report.children.length, 2);
  assert.notEqual(report.children[0], report.children[1], "two distinct children");
  assert.ok(report.children.every(isAlive), "both children run before the parent dies");
  const exited = new Promise((resolve) => parent.once("exit", resolve));
  parent.kill("SIGKILL");
  await exited;
  const survivors = await survivorsAfter(report.children, 5_000);
  for (const pid of survivors) process.kill(pid, "SIGKILL");
  assert.deepEqual(survivors, [], "children still alive 5 s after their parent was SIGKILLed");
});
