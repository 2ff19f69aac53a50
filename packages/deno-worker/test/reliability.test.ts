import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/deno-worker";

// Deno ignores resourceLimits, so there is no OOM test.
runReliabilitySuite({
  name: "deno-worker",
  runtime: "deno",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  adapter: { module: import.meta.resolve("@offloop/deno-worker"), exportName: "ThreadPoolExecutor" },
});
