import { readFileSync } from "node:fs";

/** The command that runs a TypeScript file on the runtime running the tests (Node needs tsx). */
export function runtimeCommand(file: string): string[] {
  if ("Bun" in globalThis) return [process.execPath, file];
  if ("Deno" in globalThis) return [process.execPath, "run", "-A", file];
  return [process.execPath, "--import", "tsx", file];
}

export const runtimeName = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

/** True while `pid` is a live process (a zombie waiting to be reaped counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return true;
  }
}

/** Polls until every pid is dead; returns those still alive after `ms`. */
export async function survivorsAfter(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}
