#!/usr/bin/env node
// The chat example without a keyboard, for `pnpm demo` and CI: a server, a bot
// and a user ("ada"), both clients fed from pipes, all on the chosen runtime.
// Ada's reader thread is blocked waiting for her next line while the bot's
// message arrives, and her client prints it.
//   node scripted.mjs --runtime node|bun|deno
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { plainEnv, runtimes } from "../../scripts/example-runtimes.mjs";
import { option } from "./args.mjs";

const dir = fileURLToPath(new URL(".", import.meta.url));
const runtime = runtimes.find((r) => r.name === option("runtime", "node"));
if (!runtime) throw new Error(`unknown runtime; expected one of ${runtimes.map((r) => r.name).join(", ")}`);

const children = [];
/** Starts `file` on the runtime and collects its output. */
function start(file, args) {
  const child = spawn(runtime.command, [...runtime.args(file), ...args], { cwd: dir, env: plainEnv, stdio: ["pipe", "pipe", "pipe"] });
  const proc = { child, out: "", err: "", exited: new Promise((resolve) => child.on("close", (code) => resolve(code))) };
  child.stdout.setEncoding("utf8").on("data", (chunk) => (proc.out += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk) => (proc.err += chunk));
  child.stdin.on("error", () => {});
  children.push(proc);
  return proc;
}
/** Resolves when `proc` has printed something matching `pattern`; rejects after `ms`. */
async function waitFor(proc, pattern, what, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const match = pattern.exec(proc.out);
    if (match) return match;
    if (proc.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: not seen (${proc.child.exitCode !== null ? `exited ${proc.child.exitCode}` : "timed out"}); stdout ${JSON.stringify(proc.out.slice(-200))} stderr ${JSON.stringify(proc.err.trim().split("\n").pop() ?? "")}`);
}

try {
  console.log(`chat-client (scripted) on ${runtime.name}: a server, a bot and ada, the clients fed from pipes`);
  const server = start("server.ts", ["--port", "0"]);
  const [, port] = await waitFor(server, /listening on ws:\/\/127\.0\.0\.1:(\d+)/, "server start");
  console.log(`server listening on ws://127.0.0.1:${port}`);
  const url = `ws://127.0.0.1:${port}`;
  const bot = start("client.ts", ["--url", url, "--name", "bot"]);
  await waitFor(bot, /connected to .* as bot/, "bot connects");
  const ada = start("client.ts", ["--url", url, "--name", "ada"]);
  await waitFor(ada, /connected to .* as ada[^]*>>> /, "ada connects and prompts");
  await waitFor(bot, /\* ada joined/, "bot sees ada join");

  ada.child.stdin.write("hello from ada\n");
  await waitFor(bot, /ada: hello from ada/, "bot receives ada's line");
  console.log(`ada typed "hello from ada"; the bot received "ada: hello from ada"`);

  // Ada's reader thread is now blocked in readSync, waiting for her next line.
  await waitFor(ada, />>> [^]*>>> $/, "ada prompts for her next line");
  bot.child.stdin.write("hi ada\n");
  await waitFor(ada, /bot: hi ada/, "ada receives the bot's line");
  console.log(`the bot said "hi ada"; ada's client printed "bot: hi ada" while blocked reading her next line`);

  ada.child.stdin.write("/quit\n");
  bot.child.stdin.write("/quit\n");
  const codes = await Promise.all([ada.exited, bot.exited]);
  if (codes.some((code) => code !== 0)) throw new Error(`the clients exited with ${codes.join(", ")} after /quit`);
  console.log(`/quit: both clients exited with code 0`);
  console.log(`headline: other users' messages arrived while the reader was blocked (bot -> ada, ada -> bot)`);
} catch (error) {
  console.log(`FAIL: ${error.message}`);
  process.exitCode = 1;
} finally {
  for (const { child } of children) if (child.exitCode === null) child.kill("SIGTERM");
  const force = setTimeout(() => children.forEach(({ child }) => child.exitCode === null && child.kill("SIGKILL")), 3000);
  await Promise.all(children.map((proc) => proc.exited));
  clearTimeout(force);
}
