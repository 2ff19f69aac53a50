// workerExecArgv: which of the parent's Node flags a pool's worker thread or child process gets.
import { describe, expect, it } from "vitest";
import { workerExecArgv } from "@offloop/core";

describe("workerExecArgv", () => {
  it("is undefined for a thread when the parent has nothing to drop (Node then passes its own flags on)", () => {
    expect(workerExecArgv([], "thread")).toBeUndefined();
    expect(workerExecArgv(["--max-old-space-size=512", "--expose-gc"], "thread")).toBeUndefined();
    expect(workerExecArgv(["--import", "tsx", "--no-warnings"], "thread")).toBeUndefined();
  });

  it("a thread keeps only per-thread options once something must go (Node 24's `node --test` flags)", () => {
    const parent = ["--test", "--stack-trace-limit=10", "--secure-heap-min=2", "--v8-pool-size=4", "--import", "tsx", "--no-warnings", "--experimental-vm-modules"];
    expect(workerExecArgv(parent, "thread")).toEqual(["--import", "tsx", "--no-warnings", "--experimental-vm-modules"]);
  });

  it("a process keeps every flag that is fit, including per-process and V8 flags", () => {
    expect(workerExecArgv(["--input-type=module", "--expose-gc", "--max-old-space-size=512"], "process")).toEqual(["--expose-gc", "--max-old-space-size=512"]);
    expect(workerExecArgv([], "process")).toEqual([]);
  });

  it("drops a flag together with its value given as a separate token, and keeps kept values as separate tokens", () => {
    expect(workerExecArgv(["--eval", "console.log(1)", "--require", "./setup.cjs"], "process")).toEqual(["--require", "./setup.cjs"]);
    expect(workerExecArgv(["-e", "-1", "--conditions", "development"], "thread")).toEqual(["--conditions", "development"]);
    expect(workerExecArgv(["-p", "--version", "--title", "x"], "process")).toEqual(["--title", "x"]);
    expect(workerExecArgv(["--input-type", "module", "--loader", "ts-node/esm", "--stack-size", "2000"], "thread")).toEqual(["--loader", "ts-node/esm"]);
    expect(workerExecArgv(["--test-reporter", "spec", "--test-name-pattern=x", "--watch-path", "src", "-r", "a.cjs"], "process")).toEqual(["-r", "a.cjs"]);
  });

  it("a flag written as --flag=value is one token", () => {
    expect(workerExecArgv(["--eval=1", "--import=tsx", "--disable-warning=ExperimentalWarning"], "thread")).toEqual(["--import=tsx", "--disable-warning=ExperimentalWarning"]);
  });

  it("does not take the next flag as a value", () => {
    // `--import` followed by another flag has no value: both are flags of their own.
    expect(workerExecArgv(["--test", "--import", "--no-warnings"], "thread")).toEqual(["--import", "--no-warnings"]);
  });

  it("drops debugger, watch and test flags for both targets", () => {
    const parent = ["--inspect", "--inspect-brk=9229", "--inspect-port", "9230", "--debug-port=1", "--watch", "--watch-preserve-output", "--test-only", "--enable-source-maps"];
    expect(workerExecArgv(parent, "thread")).toEqual(["--enable-source-maps"]);
    expect(workerExecArgv(parent, "process")).toEqual(["--enable-source-maps"]);
  });
});
