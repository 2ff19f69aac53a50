// Stand-ins for the Node modules that the shared reliability suite imports (it spawns processes
// and reads /proc). The contract suite's module re-exports it, so a browser must be able to load
// it; the reliability suite is not run in the browser (it needs processes), and these throw if used.
const unavailable = (what: string) => () => {
  throw new Error(`${what} is not available in a browser: the reliability suite runs on Node, Bun and Deno only`);
};
export const spawn = unavailable("node:child_process spawn");
export const readFileSync = unavailable("node:fs readFileSync");
export const fileURLToPath = unavailable("node:url fileURLToPath");
export default {};
