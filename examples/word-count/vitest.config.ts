// The repository's shared vitest settings (test/**/*.test.ts, one file at a
// time, forks). The test itself runs the example on each runtime as a child process.
import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(shared, defineProject({ test: {} }));
