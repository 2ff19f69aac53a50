import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/bun-worker";

// Bun ignores resourceLimits, so there is no OOM test.
runReliabilitySuite({
  name: "bun-worker",
  runtime: "bun",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  adapter: { module: import.meta.resolve("@offloop/bun-worker"), exportName: "ThreadPoolExecutor" },
});
