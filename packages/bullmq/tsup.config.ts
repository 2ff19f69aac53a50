import { defineConfig } from "tsup";
// BullMQExecutor's declaration names Symbol.asyncDispose: see packages/core/tsup.config.ts.
const dtsBanner = '/// <reference lib="esnext.disposable" />';
export default defineConfig({ entry: ["src/index.ts", "src/cli.ts"], format: ["esm"], dts: { entry: "src/index.ts", banner: dtsBanner }, clean: true, sourcemap: true, target: "es2022" });
