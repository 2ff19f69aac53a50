import { afterAll, describe } from "vitest";
import { itOrSkip, runReliabilitySuite } from "@offloop/contract-tests";
import { bullmqHarness } from "./harness.js";
import { redisAvailable, skipReason } from "./redis.js";

// The reliability suite, written once for every executor, against a real redis-server.
if (!redisAvailable) {
  describe("reliability: bullmq", () => itOrSkip(skipReason)("needs redis-server", () => {}));
} else {
  const harness = await bullmqHarness("reliability");
  runReliabilitySuite({
    name: "bullmq (thread-pool worker host)",
    runtime: "node",
    remoteWorkers: "the workers are BullMQ hosts elsewhere: stats.workers counts hosts, maxQueue counts jobs no host has taken, and a job waits in Redis until a host takes it",
    createExecutor: (options) => harness.createExecutor(options),
  });
  afterAll(() => harness.close());
}
