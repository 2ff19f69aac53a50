/** The command that runs a TypeScript file on the runtime running the tests (Node needs tsx). */
export function runtimeCommand(file: string): string[] {
  if ("Bun" in globalThis) return [process.execPath, file];
  if ("Deno" in globalThis) return [process.execPath, "run", "-A", file];
  return [process.execPath, "--import", "tsx", file];
}

export const runtimeName = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

export { isAlive, survivorsAfter } from "@offloop/contract-tests";
