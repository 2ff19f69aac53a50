import { expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { driverNode, headline, plainEnv, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

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
const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

for (const runtime of runtimesOf(dir)) {
  it(`chat-client on ${runtime.name}, scripted: server, bot and a piped client`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(driverNode, dir, "scripted.mjs", { args: ["--runtime", runtime.name], timeout: 90_000 });
    expect(result.code, runReport(result)).toBe(0);
    expect(result.stdout).toMatch(/ada's client printed "bot: hi ada" while blocked reading her next line/);
    expect(result.stdout).toMatch(/\/quit: both clients exited with code 0/);
    expect(headline(result.stdout)).toMatch(/^other users' messages arrived while the reader was blocked/);
  }, 120_000);

  it(`chat-client on ${runtime.name}, in a real terminal (tmux): a message arrives mid-line, and the half-typed line is drawn again`, async ({ skip }) => {
    const reason = unavailable(runtime, dir) ?? (hasTmux ? undefined : "tmux not installed (apt-get install -y tmux)");
    if (reason) return skip(reason);
    const session = `offloop-chat-${runtime.name}-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });
    /** The screen's lines, without the empty ones at the bottom. */
    const screen = () => (tmux("capture-pane", "-p", "-t", session).stdout ?? "").replace(/\s+$/, "").split("\n");
    // Deno in a terminal: -q, or its progress-bar thread clears the line before every write to stdout (see the README).
    const argsOf = (file: string) => (runtime.name === "deno" ? ["run", "-A", "-q", file] : runtime.args(file));
    const start = (file: string, args: string[]) => spawn(runtime.command, [...argsOf(file), ...args], { cwd: dir, env: plainEnv, stdio: ["pipe", "pipe", "pipe"] });
    const server = start("server.ts", ["--port", "0"]);
    let serverOut = "";
    server.stdout.setEncoding("utf8").on("data", (chunk) => (serverOut += chunk));
    let bob: ReturnType<typeof start> | undefined;
    try {
      const port = await until("the server", () => /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(serverOut)?.[1]);
      const url = `ws://127.0.0.1:${port}`;
      const command = [runtime.command, ...argsOf("client.ts"), "--url", url, "--name", "ada"].map(shellQuote).join(" ");
      const env = Object.entries(plainEnv).flatMap(([key, value]) => (key === "NO_COLOR" ? ["-e", `${key}=${value}`] : []));
      expect(tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "30", "-c", dir, ...env, command).status).toBe(0);
      await until("ada's prompt", () => /connected to .* as ada/.test(screen().join("\n")) && screen().at(-1) === ">>>");

      // Ada starts typing, without pressing Enter; her client reads the keys in a worker and echoes them.
      tmux("send-keys", "-t", session, "-l", "helX");
      await until("the typed text", () => screen().at(-1) === ">>> helX");
      tmux("send-keys", "-t", session, "BSpace");
      await until("the backspace", () => screen().at(-1) === ">>> hel");

      // Meanwhile another user says something; ada's client prints it at once,
      // then draws her prompt again with what she has typed so far.
      bob = start("client.ts", ["--url", url, "--name", "bob"]);
      let bobOut = "";
      bob.stdout.setEncoding("utf8").on("data", (chunk) => (bobOut += chunk));
      await until("bob connected", () => /connected to/.test(bobOut));
      bob.stdin.write("hi ada, are you there?\n");
      await until("bob's message on ada's screen, then her half-typed line redrawn below it", () => {
        const lines = screen();
        return lines.at(-2) === "bob: hi ada, are you there?" && lines.at(-1) === ">>> hel";
      });

      // She finishes her line: what she typed before the message was kept and is sent whole.
      tmux("send-keys", "-t", session, "-l", "lo bob");
      await until("the finished line", () => screen().at(-1) === ">>> hello bob");
      tmux("send-keys", "-t", session, "Enter");
      await until("ada's line at bob", () => /ada: hello bob/.test(bobOut));
      await until("a fresh prompt", () => screen().at(-1) === ">>>");

      tmux("send-keys", "-t", session, "-l", "/quit");
      tmux("send-keys", "-t", session, "Enter");
      await until("ada's client to exit", () => tmux("has-session", "-t", session).status !== 0);
      bob.stdin.write("/quit\n");
    } finally {
      tmux("kill-session", "-t", session);
      bob?.kill("SIGTERM");
      server.kill("SIGTERM");
    }
  }, 120_000);
}
