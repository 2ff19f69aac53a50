import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";

runReliabilitySuite({
  name: "node-worker-threads",
  runtime: "node",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  memoryLimit: { resourceLimits: { maxOldGenerationSizeMb: 32 } },
  adapter: { module: import.meta.resolve("@offloop/node-worker-threads"), exportName: "ThreadPoolExecutor" },
});
