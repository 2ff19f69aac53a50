// An interactive chat client. What the user types is read with a blocking
// read in an executor (Python: `await loop.run_in_executor(None, input, ">>> ")`),
// so the event loop keeps receiving and printing other users' messages
// meanwhile. In a terminal, the client puts it in raw mode and reads key by
// key, echoing the keys itself: it knows the half-typed line, so after an
// incoming message it draws the prompt again with that line.
import { isatty } from "node:tty";
import { runInExecutor } from "offloop";
import { option } from "./args.mjs";
import tasks from "./tasks.ts";

const url = new URL(option("url"));
const name = option("name");
url.searchParams.set("name", name);

// Node 24, Bun and Deno have a global WebSocket (Node 20 had none: ws has the same API).
const WebSocketClass: typeof WebSocket = globalThis.WebSocket ?? ((await import("ws")).WebSocket as unknown as typeof WebSocket);
const socket = new WebSocketClass(url.href);
await new Promise<void>((resolve, reject) => {
  socket.addEventListener("open", () => resolve(), { once: true });
  socket.addEventListener("error", () => reject(new Error(`cannot connect to ${url.origin}`)), { once: true });
});

const PROMPT = ">>> ";
const terminal = isatty(0) && isatty(1);
/** Raw mode: no line buffering and no echo by the terminal, keys arrive one by one (Ctrl-C too). */
function rawMode(on: boolean) {
  if (!terminal) return;
  const deno = (globalThis as { Deno?: { stdin: { setRaw(on: boolean): void } } }).Deno;
  if (deno) deno.stdin.setRaw(on);
  else (process.stdin as import("node:tty").ReadStream).setRawMode(on);
}
function leave(message: string): never {
  rawMode(false);
  console.log(message);
  // The reader worker may be blocked in readSync, which nothing can interrupt: exit the process.
  process.exit(0);
}

rawMode(true);
const write = (text: string) => process.stdout.write(terminal ? text.replaceAll("\n", "\r\n") : text);
write(`connected to ${url.origin} as ${name}; type a message, /quit to leave\n${PROMPT}`);

/** What the user has typed of the current line so far. */
let typed = "";
socket.addEventListener("message", (event) => {
  // Printed while the reader thread is blocked waiting for the user's keys.
  if (terminal) write(`\r\x1b[2K${String(event.data)}\n${PROMPT}${typed}`); // clear the line, the message, the prompt again
  else write(`\n${String(event.data)}\n${PROMPT}`);
});
socket.addEventListener("close", () => leave("\nthe server closed the connection"));

/** A whole line was typed: send it, or leave. */
function submit(line: string) {
  if (line.trim() === "/quit") {
    socket.close();
    leave(terminal ? "\r\nbye" : "bye");
  }
  if (line.trim()) socket.send(line);
  write(`${terminal ? "\n" : ""}${PROMPT}`);
}

const decoder = new TextDecoder();
let escape = false; // inside an escape sequence (arrow keys and the like), which this client ignores
for (;;) {
  const bytes = await runInExecutor(null, tasks.readInput); // the blocking read, in a worker
  if (bytes === null) break;
  for (const char of decoder.decode(bytes, { stream: true })) {
    if (escape) escape = !/[A-Za-z~]/.test(char);
    else if (char === "\x1b") escape = true;
    else if (char === "\n" || (terminal && char === "\r")) {
      const line = typed;
      typed = "";
      submit(line);
    } else if (char === "\x7f" || char === "\b") {
      if (typed) {
        typed = [...typed].slice(0, -1).join("");
        if (terminal) write("\b \b");
      }
    } else if (char === "\x03" || (char === "\x04" && !typed)) {
      leave(terminal ? "\r\nbye" : "bye"); // Ctrl-C, or Ctrl-D on an empty line
    } else if (char >= " ") {
      typed += char;
      if (terminal) write(char); // the terminal does not echo in raw mode: the client does
    }
  }
}
// The end of input (a pipe closed): send what was typed last, then leave.
if (typed.trim()) socket.send(typed);
socket.close();
leave("bye");
