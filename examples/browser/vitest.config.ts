// The repository's shared vitest settings (test/**/*.test.ts, one file at a time, forks). The
// test builds the app with Vite, serves it on 127.0.0.1 and drives headless Chromium from Node.
import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(shared, defineProject({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }));
