import { runSharedMemorySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/web-worker";

// The test server sends COOP/COEP, so the page is cross-origin isolated and has SharedArrayBuffer.
runSharedMemorySuite("web-worker (chromium)", (options) =>
  new ThreadPoolExecutor({ ...options, worker: () => new Worker(new URL("./fixtures/worker.ts", import.meta.url), { type: "module" }) }),
);
