#!/usr/bin/env node
/**
 * `offloop-worker`: serves a BullMQExecutor's queue on this machine.
 *
 *   offloop-worker --queue thumbnails --redis redis://10.0.0.5:6379 --executor threads --max-workers 8
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { startWorker } from "./start-worker.js";

const usage = `Usage: offloop-worker --queue NAME [options] [module ...]

Serves the tasks of a BullMQExecutor's queue on this machine. Each module
given is imported first (e.g. to register error classes, or to fail fast).

Options:
  --queue NAME                      the queue to serve (required)
  --redis URL                       redis://[user:password@]host:port[/db] or rediss://...
                                    (default: $REDIS_URL, else redis://127.0.0.1:6379)
  --prefix PREFIX                   BullMQ key prefix (default "bull")
  --executor threads|processes|inline
                                    where tasks run on this host (default threads)
  --max-workers N                   threads or processes in the local pool (default: all cores)
  --concurrency N                   jobs at once (default: max-workers x concurrent-tasks-per-worker)
  --concurrent-tasks-per-worker N   async tasks one local worker runs at once (default 1)
  --max-tasks-per-worker N          recycle a local worker after N tasks
  --cancel-grace MS                 time a cancelled task has to stop before its worker is killed (default 1000)
  --root DIR                        app root for ./relative task modules (default: the current directory)
  --lock-duration MS                BullMQ lockDuration (default 30000)
  --stalled-interval MS             BullMQ stalledInterval (default 30000)
  --help                            this text`;

/** Reads `redis://user:password@host:port/db` (or `rediss://` for TLS) into ioredis options. */
function connectionFromUrl(url: string): Record<string, unknown> {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") throw new TypeError(`Expected a redis:// or rediss:// URL, got ${url}`);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname || "127.0.0.1",
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(db !== undefined && { db }),
    ...(parsed.protocol === "rediss:" && { tls: {} }),
  };
}

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new TypeError(`Expected --${name} to be a number, got ${JSON.stringify(value)}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      queue: { type: "string" },
      redis: { type: "string" },
      prefix: { type: "string" },
      executor: { type: "string" },
      "max-workers": { type: "string" },
      concurrency: { type: "string" },
      "concurrent-tasks-per-worker": { type: "string" },
      "max-tasks-per-worker": { type: "string" },
      "cancel-grace": { type: "string" },
      root: { type: "string" },
      "lock-duration": { type: "string" },
      "stalled-interval": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (!values.queue) {
    console.error(`offloop-worker: --queue is required\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const root = resolve(values.root ?? process.cwd());
  for (const module of positionals) await import(/^[a-z][a-z0-9+.-]*:/i.test(module) ? module : pathToFileURL(resolve(module)).href);
  const redisUrl = values.redis ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const host = startWorker({
    connection: connectionFromUrl(redisUrl),
    queue: values.queue,
    prefix: values.prefix,
    executor: values.executor as "threads" | "processes" | "inline" | undefined,
    maxWorkers: number("max-workers", values["max-workers"]),
    concurrency: number("concurrency", values.concurrency),
    concurrentTasksPerWorker: number("concurrent-tasks-per-worker", values["concurrent-tasks-per-worker"]),
    maxTasksPerWorker: number("max-tasks-per-worker", values["max-tasks-per-worker"]),
    cancelGrace: number("cancel-grace", values["cancel-grace"]),
    root,
    lockDuration: number("lock-duration", values["lock-duration"]),
    stalledInterval: number("stalled-interval", values["stalled-interval"]),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.error(`offloop-worker: ${signal} again, exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.error(`offloop-worker: ${signal}, finishing running jobs (send it again to exit now)`);
    void host.close().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  await host.ready;
  const where = new URL(redisUrl);
  where.password = where.password ? "***" : "";
  console.error(`offloop-worker ${host.name}: serving queue "${values.queue}" on ${where.href} (${values.executor ?? "threads"})`);
}

main().catch((error: unknown) => {
  console.error(`offloop-worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
