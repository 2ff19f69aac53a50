import { fileURLToPath } from "node:url";
import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// `pnpm coverage` sets OFFLOOP_COVERAGE_SOURCE=1: the tests then import core's TypeScript
// source instead of the built dist (what they import otherwise, as users do), so that
// coverage is measured on packages/core/src line by line.
const source = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));
const fromSource = process.env.OFFLOOP_COVERAGE_SOURCE === "1";

export default mergeConfig(
  shared,
  defineProject({
    resolve: fromSource
      ? {
          alias: [
            { find: /^@offloop\/core$/, replacement: source("index.ts") },
            { find: /^@offloop\/core\/worker$/, replacement: source("worker.ts") },
            { find: /^@offloop\/core\/shared$/, replacement: source("shared.ts") },
          ],
        }
      : {},
    test: {},
  }),
);
