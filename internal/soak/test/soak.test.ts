import { describe, expect, it } from "vitest";
import { soak } from "../soak.mjs";

// The soak in miniature (the full run is `pnpm --dir internal/soak soak`: a
// million tasks per adapter and runtime): nothing stays pending between waves,
// no abort listener leaks, every task ran once, and the workers are gone after
// shutdown. The report (RSS, throughput) is printed for the log.
describe("soak", () => {
  for (const [adapterName, total] of [["threads", 50_000], ["processes", 20_000]] as const) {
    it(`${total} tasks through map and ${total} through submit in waves on ${adapterName}`, { timeout: 180_000 }, async () => {
      const { report, failures } = await soak({ adapterName, total });
      console.log(JSON.stringify(report));
      expect(failures).toEqual([]);
    });
  }
});
