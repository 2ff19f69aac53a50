import { defineConfig } from "tsup";
export default defineConfig({
  entry: ["src/index.node.ts", "src/index.bun.ts", "src/index.deno.ts", "src/index.browser.ts", "src/worker.ts", "src/shared.ts", "src/tasks.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  external: [/^@offloop\//],
});
