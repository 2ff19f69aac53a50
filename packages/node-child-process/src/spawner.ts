import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { deserializeError, exitLatch, ownOptions, workerExecArgv, type Message, type SerializedError, type Spawner } from "@offloop/core";
import { sendableCheck } from "./check-sendable.js";
import { UNCAUGHT } from "./uncaught.js";

/** Node-only options of the process pool. */
export interface NodeProcessOptions {
  /**
   * Runtime flags for the children. Default: the parent's, minus flags that
   * would stop a child from starting or pause it (`-e`, `-p`, `--input-type`,
   * `--test*`, `--inspect*`), so `node --import tsx` reaches the children.
   */
  execArgv?: string[];
  /** Environment of the children. Default: the parent's `process.env`. */
  env?: Record<string, string | undefined>;
  /** Working directory of the children. Default: the parent's. */
  cwd?: string | URL;
  /**
   * How messages are encoded. `"advanced"` (default) is the structured clone
   * algorithm, so Map, Set, Date, typed arrays, BigInt and Error cross as
   * they do between threads; `"json"` turns them into plain JSON.
   */
  serialization?: "advanced" | "json";
  /** The signal that stops a child; a child still alive 2 seconds later gets SIGKILL. Default "SIGTERM". */
  killSignal?: NodeJS.Signals | number;
  /** Heap limit of each child in MB (`--max-old-space-size`). A child over it fails its task with WorkerCrashedError and is replaced. */
  maxOldGenerationSizeMb?: number;
  /**
   * Where the children's stdout and stderr go: `"inherit"` (default) shares
   * the parent's; `"prefix"` pipes them and prefixes each line with the
   * worker's name, e.g. `[offloop-2] `; `"ignore"` drops them. Children
   * never read the parent's stdin (like Python's multiprocessing).
   */
  stdio?: "inherit" | "prefix" | "ignore";
}

/** Milliseconds after a child's exit event to wait for its IPC channel to close, where the host never closes it. */
const EXIT_DRAIN_MS = 250;

/** Milliseconds a child has to exit after `killSignal` before it gets SIGKILL. */
const KILL_GRACE_MS = 2000;

const childEntry = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "./child.ts" : "./child.js", import.meta.url));

/** The runtime the parent runs on; Bun and Deno implement `fork` with IPC too, with the differences noted where they matter. */
export const runtime: "node" | "bun" | "deno" = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

/** How V8 ends a process that reached its heap limit: Node aborts, Deno traps. */
const outOfMemorySignals = new Set(["SIGABRT", "SIGTRAP"]);

/**
 * Starts workers as child processes with `child_process.fork`. Used by
 * `ProcessPoolExecutor`; exported for tools that build their own executor
 * on `WorkerPool`.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool({ maxWorkers: 2 }, nodeProcessSpawner({ maxOldGenerationSizeMb: 256 }));
 * ```
 */
export function nodeProcessSpawner(options: NodeProcessOptions = {}): Spawner {
  // Own properties only: a polluted Object.prototype must not configure the children.
  options = ownOptions(options);
  const execArgv = [...(options.execArgv ?? workerExecArgv(process.execArgv, "process")!)];
  if (options.maxOldGenerationSizeMb !== undefined) {
    for (let index = execArgv.length - 1; index >= 0; index--) if (execArgv[index]!.startsWith("--max-old-space-size")) execArgv.splice(index, 1);
    execArgv.push(`--max-old-space-size=${options.maxOldGenerationSizeMb}`);
  }
  const killSignal = options.killSignal ?? "SIGTERM";
  const stdio = options.stdio ?? "inherit";
  const serialization = options.serialization ?? "advanced";
  const check = sendableCheck(serialization);
  return {
    // Bun ignores --max-old-space-size.
    capabilities: { transfer: false, sharedMemory: false, resourceLimits: runtime !== "bun", permissions: false, crashIsolation: true, terminatesBusyLoop: true, unref: true },
    defaultMaxWorkers: availableParallelism(),
    spawn({ name }) {
      const child = fork(childEntry, [serialization], {
        execArgv,
        env: options.env,
        cwd: options.cwd,
        serialization,
        stdio: ["ignore", stdio === "prefix" ? "pipe" : stdio, stdio === "prefix" ? "pipe" : stdio, "ipc"],
      });
      if (stdio === "prefix") {
        prefixLines(child.stdout!, process.stdout, `[${name}] `);
        prefixLines(child.stderr!, process.stderr, `[${name}] `);
      }
      let referenced = true;
      const errorListeners: Array<(error: unknown) => void> = [];
      const latch = exitLatch();
      {
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          if (latch.isExited) return;
          // Let go of the IPC channel: Deno keeps a dead child's channel referenced, and the process would never exit.
          (child.channel as { unref?(): void } | null | undefined)?.unref?.();
          if (child.connected) child.disconnect();
          if (signal !== null && outOfMemorySignals.has(signal)) {
            const limit = options.maxOldGenerationSizeMb === undefined ? "V8's default heap limit" : `maxOldGenerationSizeMb: ${options.maxOldGenerationSizeMb}`;
            const error = new Error(`the child was killed by ${signal}, most likely out of memory (${limit}): V8 ends a process that reaches its heap limit this way`);
            for (const listener of errorListeners) listener(error);
          }
          latch.exit(code, signal);
        };
        // "exit" can come before the last messages on the IPC channel have been read (a task's finished
        // results, flushed just before process.exit): report the exit on "close", once the channel is drained.
        // Deno may never close a dead child's channel, so "exit" also reports it a moment later.
        child.once("close", onExit);
        child.once("exit", (code, signal) => {
          const late = setTimeout(() => onExit(code, signal), EXIT_DRAIN_MS);
          child.once("close", () => clearTimeout(late));
        });
        // A child that could not be started emits "error" and may never emit "exit".
        child.on("error", (error) => {
          for (const listener of errorListeners) listener(error);
          if (child.pid === undefined) onExit(null, null);
        });
      }
      // Deno's ChildProcess.kill() delivers SIGTERM whatever the signal asked for; process.kill(pid) does not.
      const kill = (signal: NodeJS.Signals | number) => {
        try {
          if (runtime === "deno" && child.pid !== undefined) process.kill(child.pid, signal);
          else child.kill(signal);
        } catch {
          // Already gone: its exit event is on the way.
        }
      };
      const setReferenced = (value: boolean) => {
        referenced = value;
        const method = value ? "ref" : "unref";
        child[method]();
        (child.channel as { ref?(): void; unref?(): void } | null | undefined)?.[method]?.();
        for (const stream of [child.stdout, child.stderr]) (stream as { ref?(): void; unref?(): void } | null)?.[method]?.();
      };
      return {
        // Transfer lists cannot cross a process boundary: the engine's transfer list is ignored, so buffers are copied.
        send(message) {
          check?.(message);
          child.send(message);
        },
        onMessage: (listener) =>
          void child.on("message", (message: Message | { [UNCAUGHT]: SerializedError }) => {
            if (Array.isArray(message)) listener(message);
            else for (const onError of errorListeners) onError(deserializeError(message[UNCAUGHT]));
          }),
        onError: (listener) => void errorListeners.push(listener),
        onExit: latch.onExit,
        async terminate() {
          if (latch.isExited) return;
          // Stay referenced until the exit event, or `await shutdown()` could outlive the event loop.
          if (!referenced) setReferenced(true);
          kill(killSignal);
          const escalate = setTimeout(() => {
            if (!latch.isExited) kill("SIGKILL");
          }, KILL_GRACE_MS);
          await latch.exited;
          clearTimeout(escalate);
        },
        ref: () => setReferenced(true),
        unref: () => setReferenced(false),
      };
    },
  };
}

function prefixLines(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, prefix: string): void {
  createInterface({ input, crlfDelay: Infinity }).on("line", (line) => output.write(prefix + line + "\n"));
}

