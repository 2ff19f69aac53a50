import { WorkerPool, describeValue, integerOption, type PoolOptions, ownOptions } from "@offloop/core";
import { nodeProcessSpawner, runtime, type NodeProcessOptions } from "./spawner.js";

/** Options of `ProcessPoolExecutor`: the common pool options plus the child processes'. */
export interface ProcessPoolExecutorOptions extends PoolOptions, NodeProcessOptions {}

/**
 * Python's `ProcessPoolExecutor`: runs tasks in a pool of child processes
 * started with `child_process.fork`, so CPU-bound or crash-prone work gets
 * its own memory, and a crash, an out-of-memory or a segfault kills only
 * one child (its task fails with `WorkerCrashedError`; the child is
 * replaced). Idle children never keep the parent alive, and children never
 * outlive it. Transfer lists cannot cross processes: buffers named in
 * `run(..., { transfer })` are copied, not moved.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor } from "@offloop/node-child-process";
 * import tasks from "./tasks.js";
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 4 });
 * console.log(await executor.submit(tasks.fib, 30));
 * ```
 */
export class ProcessPoolExecutor extends WorkerPool {
  constructor(options: ProcessPoolExecutorOptions = {}) {
    const { execArgv, env, cwd, serialization, killSignal, maxOldGenerationSizeMb, stdio, ...poolOptions } = ownOptions(options);
    if (execArgv !== undefined && (!Array.isArray(execArgv) || execArgv.some((flag) => typeof flag !== "string"))) {
      throw new TypeError(`Expected execArgv to be an array of strings, got ${describeValue(execArgv)}`);
    }
    if (env !== undefined && (typeof env !== "object" || env === null)) throw new TypeError(`Expected env to be an object of strings, got ${describeValue(env)}`);
    if (cwd !== undefined && typeof cwd !== "string" && !(cwd instanceof URL)) throw new TypeError(`Expected cwd to be a path or a file URL, got ${describeValue(cwd)}`);
    if (serialization !== undefined && serialization !== "advanced" && serialization !== "json") {
      throw new TypeError(`Expected serialization to be "advanced" or "json", got ${describeValue(serialization)}`);
    }
    if (killSignal !== undefined && typeof killSignal !== "number" && !(typeof killSignal === "string" && /^SIG[A-Z0-9]+$/.test(killSignal))) {
      throw new TypeError(`Expected killSignal to be a signal name such as "SIGTERM" or a number, got ${describeValue(killSignal)}`);
    }
    if (maxOldGenerationSizeMb !== undefined) {
      integerOption("maxOldGenerationSizeMb", maxOldGenerationSizeMb, 0, 1);
      if (runtime === "bun") {
        throw new TypeError(
          "maxOldGenerationSizeMb cannot be enforced on Bun: Bun ignores --max-old-space-size, so a child would grow without limit. Run the pool from Node or Deno, or limit memory outside the process (ulimit -v, a cgroup).",
        );
      }
    }
    if (stdio !== undefined && stdio !== "inherit" && stdio !== "prefix" && stdio !== "ignore") {
      throw new TypeError(`Expected stdio to be "inherit", "prefix" or "ignore", got ${describeValue(stdio)}`);
    }
    super(poolOptions, nodeProcessSpawner({ execArgv, env, cwd, serialization, killSignal, maxOldGenerationSizeMb, stdio }));
  }
}
