// A throwaway redis-server for the demo and the tests: a free 127.0.0.1 port,
// no persistence, stopped by the caller. One copy for scripts/demo.mjs and
// packages/bullmq's tests.
import { spawn, spawnSync } from "node:child_process";
import { connect, createServer } from "node:net";

/** Whether `redis-server` is on PATH. */
export const redisServerInstalled = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;

/**
 * Starts redis-server on a free 127.0.0.1 port and resolves once it accepts
 * connections: `{ port, connection: { host, port }, url, pid, stop() }`.
 */
export async function startRedisServer() {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  for (let waited = 0; !(await accepts(port)); waited += 20) {
    if (child.exitCode !== null || waited > 10_000) throw new Error(`redis-server did not start on 127.0.0.1:${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    port,
    pid: child.pid,
    connection: { host: "127.0.0.1", port },
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.end();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
