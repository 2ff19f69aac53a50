// installExitHooks: last words before a worker goes. The real thing runs in child processes (it patches
// its process's globals); the branches for each host run here with every host global swapped for a fake
// during the (synchronous) install, so the test runner's own globals are never patched.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { installExitHooks } from "@offloop/core/worker";
import { NO_HOST, withHostGlobals } from "./host-globals.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";

function child(mode: string): { stdout: string; status: number | null } {
  const script = fileURLToPath(new URL("./fixtures/exit-hooks-child.mjs", import.meta.url));
  const workerModule = new URL("../dist/worker.js", import.meta.url).href;
  const args = isDeno ? ["run", "-A", script, workerModule, mode] : [script, workerModule, mode];
  const result = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { stdout: result.stdout, status: result.status };
}

describe("installExitHooks in a real process", () => {
  it("process.exit(3): the last words come first (final), then the process exits with 3", () => {
    const { stdout, status } = child("exit");
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("installed");
    expect(lines[1]).toBe("last words final=true");
    // The exit event may say them again: last words may be called more than once.
    expect(new Set(lines.slice(1))).toEqual(new Set(["last words final=true"]));
    expect(status).toBe(3);
  });

  it("an uncaught error: last words (not final: the host may let it survive) before the process dies with 1", () => {
    const { stdout, status } = child("throw");
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("installed");
    expect(lines[1]).toBe("last words final=false");
    expect(status).toBe(1);
  });

  it("an unhandled rejection: last words before the process dies with 1", () => {
    const { stdout, status } = child("reject");
    expect(stdout).toMatch(/^installed\nlast words final=(true|false)\n/);
    expect(status).toBe(1);
  });

  it("last words that throw do not change how the process ends", () => {
    const { stdout, status } = child("throwing-words");
    expect(stdout).toMatch(/^installed\nlast words final=true\n/);
    expect(status).toBe(3);
  });

  it.runIf(isDeno)("Deno.exit(4): last words, then exit code 4 (Deno only: other runtimes have no Deno.exit)", () => {
    const { stdout, status } = child("deno-exit");
    expect(stdout).toBe("installed\nlast words final=true\n");
    expect(status).toBe(4);
  });
});

describe("installExitHooks on each kind of host (fake globals)", () => {
  function fakeProcess() {
    const calls: unknown[][] = [];
    const listeners = new Map<string, () => void>();
    const target = {
      exit(this: unknown, code?: number) {
        calls.push(["exit", code, this === target]);
      },
      on(event: string, listener: () => void) {
        listeners.set(event, listener);
      },
    };
    return { target, calls, listeners };
  }

  it("process.exit says the last words (final) and then exits as the original did; the exit event and uncaught errors say them too", () => {
    const words: boolean[] = [];
    const fake = fakeProcess();
    withHostGlobals({ ...NO_HOST, process: fake.target }, () => installExitHooks((final) => void words.push(final)));
    fake.target.exit(3);
    expect(words).toEqual([true]);
    expect(fake.calls).toEqual([["exit", 3, true]]);
    fake.listeners.get("exit")!();
    fake.listeners.get("uncaughtExceptionMonitor")!();
    expect(words).toEqual([true, true, false]);
  });

  it("last words that throw are swallowed: the exit still happens", () => {
    const fake = fakeProcess();
    withHostGlobals({ ...NO_HOST, process: fake.target }, () =>
      installExitHooks(() => {
        throw new Error("cannot speak");
      }),
    );
    expect(() => fake.target.exit(1)).not.toThrow();
    expect(fake.calls).toEqual([["exit", 1, true]]);
  });

  it("Deno.exit is wrapped the same way", () => {
    const words: boolean[] = [];
    const exits: unknown[] = [];
    const deno = { exit: (code?: number) => void exits.push(code) };
    withHostGlobals({ ...NO_HOST, Deno: deno }, () => installExitHooks((final) => void words.push(final)));
    deno.exit(4);
    expect(words).toEqual([true]);
    expect(exits).toEqual([4]);
  });

  it("in a web Worker scope: close() is wrapped, and error / unhandledrejection events say them (not final)", () => {
    const words: boolean[] = [];
    const closed: unknown[] = [];
    const events = new Map<string, () => void>();
    withHostGlobals(
      {
        ...NO_HOST,
        WorkerGlobalScope: function WorkerGlobalScope() {},
        close: () => void closed.push("closed"),
        addEventListener: (type: string, listener: () => void) => void events.set(type, listener),
      },
      () => {
        installExitHooks((final) => void words.push(final));
        (globalThis as unknown as { close(): void }).close();
      },
    );
    expect(words).toEqual([true]);
    expect(closed).toEqual(["closed"]);
    events.get("error")!();
    events.get("unhandledrejection")!();
    expect(words).toEqual([true, false, false]);
  });

  it("outside a worker scope close() and events are left alone; a process without exit() is left alone", () => {
    const close = () => {};
    const listen = () => {
      throw new Error("must not listen");
    };
    const noExit = { on: () => {
      throw new Error("must not listen");
    } };
    withHostGlobals({ ...NO_HOST, close, addEventListener: listen, process: noExit }, () => {
      installExitHooks(() => {});
      expect((globalThis as unknown as { close: unknown }).close).toBe(close);
    });
  });

  it("a frozen process is left as it is (its exit event still says the last words); a non-configurable exit is replaced by assignment", () => {
    const words: boolean[] = [];
    const frozen = fakeProcess();
    Object.freeze(frozen.target);
    const originalExit = frozen.target.exit;
    withHostGlobals({ ...NO_HOST, process: frozen.target }, () => installExitHooks((final) => void words.push(final)));
    expect(frozen.target.exit).toBe(originalExit);
    frozen.listeners.get("exit")!();
    expect(words).toEqual([true]);

    const fixed = fakeProcess();
    const exit = fixed.target.exit;
    Object.defineProperty(fixed.target, "exit", { value: exit, writable: true, configurable: false });
    withHostGlobals({ ...NO_HOST, process: fixed.target }, () => installExitHooks((final) => void words.push(final)));
    expect(fixed.target.exit).not.toBe(exit);
    fixed.target.exit(2);
    expect(words).toEqual([true, true]);
    expect(fixed.calls).toEqual([["exit", 2, true]]);
  });
});
