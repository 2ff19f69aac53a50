import { runContractSuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/web-worker";

runContractSuite({
  name: "web-worker (chromium)",
  createExecutor: (options) => new ThreadPoolExecutor({ ...options, worker: () => new Worker(new URL("./fixtures/worker.ts", import.meta.url), { type: "module" }) }),
});
