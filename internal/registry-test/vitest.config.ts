import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// One test file: publishing and the installs are minutes of I/O on a loaded machine at worst;
// these are backstops, no test measures time.
export default mergeConfig(shared, defineProject({ test: { testTimeout: 180_000, hookTimeout: 300_000 } }));
