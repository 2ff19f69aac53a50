// One producer, two worker hosts (two `offloop-worker` processes standing in
// for two machines), one Redis: count the primes below LIMIT in JOBS jobs,
// with a progress bar and a throughput figure.
//
//   REDIS_URL=redis://127.0.0.1:6379 pnpm start            # starts two local hosts
//   REDIS_URL=redis://10.0.0.5:6379 pnpm start -- --no-spawn # hosts already run elsewhere
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SingleBar } from "cli-progress";
import { BullMQExecutor } from "@offloop/bullmq";
import tasks from "./tasks.ts";

const JOBS = Number(process.env.JOBS ?? 200);
const LIMIT = Number(process.env.LIMIT ?? 4_000_000);
const HOSTS = 2;
const THREADS_PER_HOST = Number(process.env.THREADS_PER_HOST ?? 2);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const queue = "distributed-example";
const here = dirname(fileURLToPath(import.meta.url));

const redis = new URL(redisUrl);
const connection = { host: redis.hostname, port: Number(redis.port || 6379), ...(redis.password && { password: decodeURIComponent(redis.password) }) };

// 1. Two worker hosts, each with a thread pool: what you would run on two machines.
const hosts: ChildProcess[] = [];
if (!process.argv.includes("--no-spawn")) {
  // The package's `offloop-worker` bin, as `npx offloop-worker` would run it.
  const cli = join(dirname(createRequire(import.meta.url).resolve("@offloop/bullmq/package.json")), "dist", "cli.js");
  for (let index = 0; index < HOSTS; index++) {
    const host = spawn(process.execPath, [cli, "--queue", queue, "--redis", redisUrl, "--max-workers", String(THREADS_PER_HOST)], {
      cwd: here,
      stdio: ["ignore", "inherit", "pipe"],
    });
    await new Promise<void>((resolve, reject) => {
      let output = "";
      host.stderr!.on("data", (chunk: Buffer) => {
        output += chunk;
        if (output.includes("serving queue")) resolve();
      });
      host.once("exit", (code) => reject(new Error(`worker host exited with ${code}:\n${output}`)));
    });
    hosts.push(host);
  }
}

// 2. The producer: the same executor contract as a local pool.
console.log(`distributed: ${JOBS} jobs counting the primes below ${LIMIT.toLocaleString("en-US")} on ${hosts.length || "the running"} worker hosts via ${redis.host}`);
await using executor = new BullMQExecutor({ connection, queue });
const bar = new SingleBar({ format: "  {bar} {value}/{total} jobs  {rate} jobs/s", hideCursor: true, noTTYOutput: false });
bar.start(JOBS, 0, { rate: "0.0" });
const started = performance.now();
const step = LIMIT / JOBS;
const perHost = new Map<number, number>();
let total = 0;
let done = 0;
const futures = Array.from({ length: JOBS }, (_, index) =>
  executor.submit(tasks.countPrimes, index * step, (index + 1) * step).then(({ count, host }) => {
    total += count;
    perHost.set(host, (perHost.get(host) ?? 0) + 1);
    done++;
    bar.update(done, { rate: (done / ((performance.now() - started) / 1000)).toFixed(1) });
  }),
);
await Promise.all(futures);
bar.stop();
const seconds = (performance.now() - started) / 1000;

console.log(`primes below ${LIMIT.toLocaleString("en-US")}: ${total.toLocaleString("en-US")}`);
console.log(`throughput: ${(JOBS / seconds).toFixed(1)} jobs/s (${JOBS} jobs in ${seconds.toFixed(2)} s)`);
for (const [host, count] of perHost) console.log(`  worker host pid ${host}: ${count} jobs`);
console.log(`headline: ${JOBS} jobs on ${perHost.size} worker hosts (${[...perHost.values()].join(" + ")}), ${(JOBS / seconds).toFixed(1)} jobs/s`);

for (const host of hosts) host.kill("SIGTERM");
await Promise.all(hosts.map((host) => new Promise((resolve) => (host.exitCode !== null ? resolve(null) : host.once("exit", resolve)))));
