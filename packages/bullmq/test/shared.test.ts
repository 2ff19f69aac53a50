import { afterAll, describe } from "vitest";
import { itOrSkip, runSharedMemorySuite } from "@offloop/contract-tests";
import { bullmqHarness } from "./harness.js";
import { redisAvailable, skipReason } from "./redis.js";

// offloop/shared primitives cannot reach another machine: BullMQExecutor refuses them clearly.
if (!redisAvailable) {
  describe("offloop/shared: bullmq", () => itOrSkip(skipReason)("needs redis-server", () => {}));
} else {
  const harness = await bullmqHarness("shared");
  runSharedMemorySuite("bullmq", (options) => harness.createExecutor(options));
  afterAll(() => harness.close());
}
