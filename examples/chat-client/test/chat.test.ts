import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { plainEnv, root, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));
const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | null | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

for (const runtime of runtimes) {
  const suffix = runtime.name === "node" ? "" : `:${runtime.name}`;

  test(`chat-client on ${runtime.name}, scripted: server, bot and a piped client`, (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = spawnSync(process.execPath, ["scripted.mjs", "--runtime", runtime.name], { cwd: dir, env: plainEnv, encoding: "utf8", timeout: 60_000 });
    assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /ada's client printed "bot: hi ada" while blocked reading her next line/);
    assert.match(result.stdout, /\/quit: both clients exited with code 0/);
  });

  test(`chat-client on ${runtime.name}, in a real terminal (tmux): a message arrives while the user is typing`, async (t) => {
    const reason = unavailable(runtime, dir) ?? (hasTmux ? undefined : "tmux not installed");
    if (reason) return t.skip(reason);
    const session = `offloop-chat-${runtime.name}-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });
    const screen = () => tmux("capture-pane", "-p", "-t", session).stdout ?? "";
    const pnpm = (script: string, args: string[]) => spawn("pnpm", ["--dir", dir, "run", "--silent", script, "--", ...args], { cwd: root, env: plainEnv, stdio: ["pipe", "pipe", "pipe"] });
    const server = pnpm(`server${suffix}`, ["--port", "0"]);
    let serverOut = "";
    server.stdout.setEncoding("utf8").on("data", (chunk) => (serverOut += chunk));
    let bot: ReturnType<typeof pnpm> | undefined;
    try {
      const port = await until("the server", () => /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(serverOut)?.[1]);
      const url = `ws://127.0.0.1:${port}`;
      const command = `pnpm --dir ${dir} run --silent client${suffix} -- --url ${url} --name ada`;
      assert.equal(tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "30", command).status, 0);
      await until("ada's prompt", () => /connected to .* as ada[^]*>>>/.test(screen()));

      // Ada starts typing, without pressing Enter: her reader thread is blocked in readSync.
      tmux("send-keys", "-t", session, "-l", "hel");
      await until("the typed text", () => />>> hel/.test(screen()));

      // Meanwhile another user says something; ada's client prints it at once.
      bot = pnpm(`client${suffix}`, ["--url", url, "--name", "bob"]);
      let botOut = "";
      bot.stdout.setEncoding("utf8").on("data", (chunk) => (botOut += chunk));
      await until("bob connected", () => /connected to/.test(botOut));
      bot.stdin.write("hi ada, are you there?\n");
      await until("bob's message on ada's screen while she types", () => /bob: hi ada, are you there\?/.test(screen()));

      // She finishes her line: what she typed before the message was not lost.
      tmux("send-keys", "-t", session, "-l", "lo bob");
      tmux("send-keys", "-t", session, "Enter");
      await until("ada's line at bob", () => /ada: hello bob/.test(botOut));

      tmux("send-keys", "-t", session, "-l", "/quit");
      tmux("send-keys", "-t", session, "Enter");
      await until("ada's client to exit", () => tmux("has-session", "-t", session).status !== 0, 15_000);
      bot.stdin.write("/quit\n");
    } finally {
      tmux("kill-session", "-t", session);
      bot?.kill("SIGTERM");
      server.kill("SIGTERM");
    }
  });
}
