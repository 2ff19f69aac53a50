// What a worker loads (@offloop/core/worker as built), read from dist: bundlers must be able to put it in a
// browser worker as one file.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dist = new URL("../dist/", import.meta.url);

/** The files of a built module's static import graph, from `entry` on. */
function staticGraph(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (name: string) => {
    if (files.has(name)) return;
    const source = readFileSync(new URL(name, dist), "utf8");
    files.set(name, source);
    for (const match of source.matchAll(/(?:^|\n)(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"|(?:^|\n)import\s*"\.\/([^"]+)"/g)) visit((match[1] ?? match[2])!);
  };
  visit(entry);
  return files;
}

describe("the worker's code as built", () => {
  it("has no dynamic import of its own chunks: Vite 7's default worker build (iife) cannot split code (tested: Vite 7.3.8 fails, 8.4 inlines)", () => {
    const graph = staticGraph("worker.js");
    expect(graph.size).toBeGreaterThan(1);
    for (const [name, source] of graph) expect({ name, splits: /\bimport\(\s*["'`]/.test(source) }).toEqual({ name, splits: false });
  });
});
