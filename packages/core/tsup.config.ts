import { defineConfig } from "tsup";
// The declarations name Symbol.asyncDispose, Disposable and AsyncDisposable: the reference makes them
// check in a user's project whose `lib` stops at ES2022/ES2023 (e.g. target ES2022 with skipLibCheck: false).
const dtsBanner = '/// <reference lib="esnext.disposable" />';
export default defineConfig({ entry: { index: "src/index.ts", worker: "src/worker.ts", shared: "src/shared.ts", tasks: "src/task-file.ts" }, format: ["esm"], dts: { banner: dtsBanner }, clean: true, sourcemap: true, target: "es2022" });
