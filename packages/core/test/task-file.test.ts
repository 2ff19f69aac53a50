// @offloop/core/tasks is what task modules import: every worker loads it. It must stay light (no
// executors, no pool, no asyncio toolbox, no shared-memory primitives) and be the same functions as
// the main entry's, so that a task defined through either is found by the other.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as core from "@offloop/core";
import * as taskFile from "@offloop/core/tasks";

const dist = new URL("../dist/", import.meta.url);

/** The source files behind a built module and every module it imports statically, from their source maps. */
function sourcesOf(file: string, seen = new Set<string>()): Set<string> {
  const sources = new Set<string>();
  if (seen.has(file)) return sources;
  seen.add(file);
  const code = readFileSync(new URL(file, dist), "utf8");
  const map = JSON.parse(readFileSync(new URL(`${file}.map`, dist), "utf8")) as { sources: string[] };
  for (const source of map.sources) sources.add(source.replace(/^\.\.\/src\//, ""));
  for (const [, imported] of code.matchAll(/^(?:import|export)\b[^;]*?"\.\/([^"]+)";/gm)) for (const source of sourcesOf(imported!, seen)) sources.add(source);
  return sources;
}

describe("@offloop/core/tasks: the entry task modules import", () => {
  it("exports defineTasks, taskContext, withTransfer and registerErrorClass: the main entry's own functions", () => {
    expect(Object.keys(taskFile).sort()).toEqual(["defineTasks", "registerErrorClass", "taskContext", "withTransfer"]);
    for (const [name, value] of Object.entries(taskFile)) expect(value, name).toBe((core as Record<string, unknown>)[name]);
  });

  it("loads no executor, pool, asyncio or shared-memory code", () => {
    const sources = [...sourcesOf("tasks.js")];
    expect(sources).toContain("tasks.ts");
    expect(sources.filter((source) => /^(executor|pool|asyncio|shared)\//.test(source) || source === "index.ts")).toEqual([]);
  });

  it("a task defined through it is found by the worker side", () => {
    const tasks = taskFile.defineTasks("task-file-test", { twice: (n: number) => 2 * n });
    expect(core.describeTask(tasks.twice)).toMatchObject({ kind: "module", name: "twice" });
    expect(core.registeredTasks("task-file-test")?.twice?.(21)).toBe(42);
  });
});
