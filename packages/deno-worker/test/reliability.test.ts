import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/deno-worker";

// Deno ignores resourceLimits, so there is no OOM test.
runReliabilitySuite({
  name: "deno-worker",
  runtime: "deno",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  // The package's entry, as its exports "." resolve it (vitest on Deno has no import.meta.resolve).
  adapter: { module: new URL("../dist/index.js", import.meta.url).href, exportName: "ThreadPoolExecutor" },
});
