// The root's vitest projects: one per package with a vitest.config.ts, named
// after its folder (examples as example-<folder>), e.g. `core`, `deno-worker`,
// `contract-tests`, `example-timeout`. Run them with the root script, which
// picks each project's runtime from its package's `test` script:
//   pnpm vitest --project deno-worker -t maxQueue
// (plain `vitest` here would run every project on one runtime, Node).
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const configNames = ["vitest.config.ts", "vitest.config.mts", "vitest.config.js", "vitest.config.mjs"];
const projects = ["packages", "internal", "examples"].flatMap((group) =>
  existsSync(root + group)
    ? readdirSync(root + group)
        .sort()
        .flatMap((folder) => {
          const config = configNames.find((file) => existsSync(`${root}${group}/${folder}/${file}`));
          if (!config) return [];
          const name = group === "examples" ? `example-${folder}` : folder;
          return [{ extends: `./${group}/${folder}/${config}`, test: { name, root: `./${group}/${folder}` } }];
        })
    : [],
);

export default defineConfig({
  test: {
    projects,
    // One test file at a time across all projects (2 shared cores, real workers).
    fileParallelism: false,
    // `pnpm coverage`: core's tests on Node, run against core's source (OFFLOOP_COVERAGE_SOURCE=1,
    // see packages/core/vitest.config.ts).
    coverage: {
      provider: "v8",
      reporter: ["text"],
      include: ["packages/core/src/**"],
      reportOnFailure: true,
    },
  },
});
