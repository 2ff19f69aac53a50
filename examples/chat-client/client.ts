// An interactive chat client. The user's line is read with a blocking read in
// an executor (Python: `await loop.run_in_executor(None, input, ">>> ")`), so
// the event loop keeps receiving and printing other users' messages meanwhile.
import { runInExecutor } from "offloop";
import { option } from "./args.mjs";
import tasks from "./tasks.mjs";

const url = new URL(option("url"));
const name = option("name");
url.searchParams.set("name", name);

// Bun and Deno have a global WebSocket; Node 20 does not, so it uses ws (same API).
const WebSocketClass: typeof WebSocket = globalThis.WebSocket ?? ((await import("ws")).WebSocket as unknown as typeof WebSocket);
const socket = new WebSocketClass(url.href);
await new Promise<void>((resolve, reject) => {
  socket.addEventListener("open", () => resolve(), { once: true });
  socket.addEventListener("error", () => reject(new Error(`cannot connect to ${url.origin}`)), { once: true });
});
console.log(`connected to ${url.origin} as ${name}; type a message, /quit to leave`);

const PROMPT = ">>> ";
socket.addEventListener("message", (event) => {
  // Printed while the reader thread is blocked waiting for the user's line.
  process.stdout.write(`\n${String(event.data)}\n${PROMPT}`);
});
socket.addEventListener("close", () => {
  console.log("\nthe server closed the connection");
  process.exit(0);
});

for (;;) {
  const line = await runInExecutor(null, tasks.readLine, PROMPT);
  if (line === null || line.trim() === "/quit") break;
  if (line.trim()) socket.send(line);
}
socket.close();
console.log("bye");
// The reader worker may be blocked in readSync, which nothing can interrupt: exit the process.
process.exit(0);
