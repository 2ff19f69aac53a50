import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/bun-worker";

// Bun ignores resourceLimits, so there is no OOM test.
runReliabilitySuite({
  name: "bun-worker",
  runtime: "bun",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  // The package's entry, as its exports "." resolve it (vitest on Deno has no import.meta.resolve).
  adapter: { module: new URL("../dist/index.js", import.meta.url).href, exportName: "ThreadPoolExecutor" },
});
