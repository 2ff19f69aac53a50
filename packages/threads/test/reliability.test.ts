import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/threads";

runReliabilitySuite({
  name: "threads",
  runtime: "node",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  memoryLimit: { resourceLimits: { maxOldGenerationSizeMb: 32 } },
  adapter: { module: import.meta.resolve("@offloop/threads"), exportName: "ThreadPoolExecutor" },
});
