// Every row that runs on Node: a factory that starts the pool and returns the
// same small interface, so that each scenario is written once.
//
//   call(x)            a no-op task, resolves to x
//   burn(iterations)   CPU work
//   echo(buffer, move) sends an ArrayBuffer and gets it back, moved (transfer lists both ways) or copied
//   chunk(items)       incChunk(items), for the map scenario
//   map(n, chunkSize)  optional: the pool's own map over 0..n-1 (an async iterable of results)
//   close()            shuts the pool down
import { Worker } from "node:worker_threads";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = (path) => new URL(path, import.meta.url);
const OP = { noop: 0, burn: 1, incChunk: 2, echo: 3 };

/** A promise-per-id dispatcher over anything that posts [id, op, arg] and answers [id, result]. */
function idResolver(send) {
  let nextId = 0;
  const pending = new Map();
  return {
    pending,
    receive(message) {
      const resolve = pending.get(message[0]);
      pending.delete(message[0]);
      resolve(message[1]);
    },
    request(target, op, arg, transfer) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send(target, [id, op, arg, transfer !== undefined], transfer);
      });
    },
  };
}

async function rawPostMessage({ workers }) {
  // One postMessage per task and a Map from id to resolver; a task goes to the
  // least busy worker (the first on a tie), so sequential calls stay on one
  // warm worker and a burst spreads evenly.
  const pool = [];
  const pending = new Map();
  let nextId = 0;
  for (let i = 0; i < workers; i++) {
    const slot = { worker: new Worker(here("./workers/raw-worker.mjs")), load: 0 };
    slot.worker.on("message", (message) => {
      const resolve = pending.get(message[0]);
      pending.delete(message[0]);
      slot.load--;
      resolve(message[1]);
    });
    pool.push(slot);
  }
  const request = (op, arg, transfer) => {
    let slot = pool[0];
    for (const candidate of pool) if (candidate.load < slot.load) slot = candidate;
    slot.load++;
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      slot.worker.postMessage([id, op, arg, transfer !== undefined], transfer);
    });
  };
  return {
    call: (x) => request(OP.noop, x),
    burn: (n) => request(OP.burn, n),
    echo: (buffer, move) => request(OP.echo, buffer, move ? [buffer] : undefined),
    chunk: (items) => request(OP.incChunk, items),
    close: () => Promise.all(pool.map((slot) => slot.worker.terminate())),
  };
}

async function rawFork({ workers, serialization }) {
  const pool = [];
  const rpc = idResolver((child, message) => child.send(message));
  for (let i = 0; i < workers; i++) {
    const child = fork(fileURLToPath(here("./workers/fork-child.mjs")), [], { serialization, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", rpc.receive);
    pool.push(child);
  }
  let next = 0;
  const pick = () => pool[next++ % pool.length];
  const toWire = serialization === "json" ? (buffer) => Array.from(new Uint8Array(buffer)) : (buffer) => buffer;
  return {
    call: (x) => rpc.request(pick(), OP.noop, x),
    burn: (n) => rpc.request(pick(), OP.burn, n),
    echo: (buffer) => rpc.request(pick(), OP.echo, toWire(buffer)),
    chunk: (items) => rpc.request(pick(), OP.incChunk, items),
    close: () => Promise.all(pool.map((child) => new Promise((resolve) => { child.once("exit", resolve); child.kill(); }))),
  };
}

async function offloopThreads({ workers, spinMicroseconds, callerSpinMicroseconds }) {
  const { ThreadPoolExecutor } = await import("@offloop/node-worker-threads");
  const { default: tasks } = await import("./workers/offloop-tasks.mjs");
  const executor = new ThreadPoolExecutor({
    maxWorkers: workers,
    ...(spinMicroseconds !== undefined ? { spinMicroseconds } : {}),
    ...(callerSpinMicroseconds !== undefined ? { callerSpinMicroseconds } : {}),
  });
  return offloopRow(executor, tasks);
}

async function offloopProcesses({ workers }) {
  const { ProcessPoolExecutor } = await import("@offloop/node-child-process");
  const { default: tasks } = await import("./workers/offloop-tasks.mjs");
  const executor = new ProcessPoolExecutor({ maxWorkers: workers });
  return offloopRow(executor, tasks, { transfer: false });
}

function offloopRow(executor, tasks, { transfer = true } = {}) {
  return {
    call: (x) => executor.submit(tasks.noop, x),
    burn: (n) => executor.submit(tasks.burn, n),
    echo: (buffer, move) =>
      move && transfer ? executor.run(tasks.echoTransfer, [buffer], { transfer: [buffer] }) : executor.submit(tasks.echo, buffer),
    chunk: (items) => executor.submit(tasks.incChunk, items),
    map: (n, chunkSize) => executor.map(tasks.inc, range(n), { chunkSize }),
    close: () => executor.shutdown(),
  };
}

async function offloopThreadsJs({ workers }) {
  // Imported by path: @offloop/threads may not be built (or exist) in every checkout; the runner checks first.
  const { ThreadPoolExecutor } = await import(new URL("../../../packages/threads/dist/index.js", import.meta.url).href);
  const { default: tasks } = await import("./workers/offloop-tasks.mjs");
  return offloopRow(new ThreadPoolExecutor({ maxWorkers: workers }), tasks);
}

async function piscina({ workers }) {
  const { Piscina } = await import("piscina");
  const pool = new Piscina({ filename: here("./workers/piscina-worker.mjs").href, minThreads: workers, maxThreads: workers });
  return {
    call: (x) => pool.run(x, { name: "noop" }),
    burn: (n) => pool.run(n, { name: "burn" }),
    echo: (buffer, move) => (move ? pool.run(buffer, { name: "echoTransfer", transferList: [buffer] }) : pool.run(buffer, { name: "echo" })),
    chunk: (items) => pool.run(items, { name: "incChunk" }),
    close: () => pool.destroy(),
  };
}

async function tinypool({ workers }) {
  const { Tinypool } = await import("tinypool");
  const pool = new Tinypool({ filename: here("./workers/tinypool-worker.mjs").href, minThreads: workers, maxThreads: workers });
  return {
    call: (x) => pool.run(x, { name: "noop" }),
    burn: (n) => pool.run(n, { name: "burn" }),
    echo: (buffer, move) => pool.run(buffer, { name: "echo", transferList: move ? [buffer] : undefined }),
    chunk: (items) => pool.run(items, { name: "incChunk" }),
    close: () => pool.destroy(),
  };
}

async function workerpool({ workers }) {
  const { default: wp } = await import("workerpool");
  const pool = wp.pool(fileURLToPath(here("./workers/workerpool-worker.mjs")), { minWorkers: workers, maxWorkers: workers, workerType: "thread" });
  return {
    call: (x) => pool.exec("noop", [x]),
    burn: (n) => pool.exec("burn", [n]),
    echo: (buffer, move) => (move ? pool.exec("echoTransfer", [buffer], { transfer: [buffer] }) : pool.exec("echo", [buffer])),
    chunk: (items) => pool.exec("incChunk", [items]),
    close: () => pool.terminate(),
  };
}

async function poolifier({ workers }) {
  const { FixedThreadPool } = await import("poolifier");
  const pool = new FixedThreadPool(workers, fileURLToPath(here("./workers/poolifier-worker.mjs")));
  return {
    call: (x) => pool.execute(x, "noop"),
    burn: (n) => pool.execute(n, "burn"),
    echo: (buffer, move) => pool.execute(buffer, "echo", undefined, move ? [buffer] : undefined),
    chunk: (items) => pool.execute(items, "incChunk"),
    map: undefined,
    close: () => pool.destroy(),
  };
}

async function threadsJs({ workers }) {
  const { spawn, Pool, Worker: ThreadsWorker, Transfer } = await import("threads");
  const path = "./workers/threads-worker.mjs"; // threads.js resolves it against the calling file
  const pool = Pool(() => spawn(new ThreadsWorker(path)), { size: workers });
  return {
    call: (x) => pool.queue((worker) => worker.noop(x)),
    burn: (n) => pool.queue((worker) => worker.burn(n)),
    echo: (buffer, move) => pool.queue((worker) => (move ? worker.echoTransfer(Transfer(buffer)) : worker.echo(buffer))),
    chunk: (items) => pool.queue((worker) => worker.incChunk(items)),
    close: () => pool.terminate(true),
  };
}

export function* range(n) {
  for (let i = 0; i < n; i++) yield i;
}

/**
 * The rows, by id. `label` is what RESULTS.md shows; `floor` names the raw
 * baseline its ratios are taken against.
 */
export const nodeRows = {
  "raw-postmessage": { label: "raw postMessage (id->resolver map)", create: rawPostMessage, floor: "raw-postmessage" },
  "offloop-threads": { label: "offloop ThreadPoolExecutor (defaults)", create: (o) => offloopThreads(o), floor: "raw-postmessage" },
  "offloop-threads-nospin": { label: "offloop ThreadPoolExecutor (spinMicroseconds: 0)", create: (o) => offloopThreads({ ...o, spinMicroseconds: 0 }), floor: "raw-postmessage" },
  "offloop-threads-callerspin": { label: "offloop ThreadPoolExecutor (callerSpinMicroseconds: 100)", create: (o) => offloopThreads({ ...o, callerSpinMicroseconds: 100 }), floor: "raw-postmessage" },
  piscina: { label: "piscina 5.3.2", create: piscina, floor: "raw-postmessage" },
  tinypool: { label: "tinypool 2.2.0", create: tinypool, floor: "raw-postmessage" },
  workerpool: { label: "workerpool 10.0.3 (thread)", create: workerpool, floor: "raw-postmessage" },
  poolifier: { label: "poolifier 5.3.2 (FixedThreadPool)", create: poolifier, floor: "raw-postmessage" },
  threads: { label: "threads.js 1.7.0 Pool", create: threadsJs, floor: "raw-postmessage" },
  "offloop-threadsjs": { label: "offloop @offloop/threads adapter", create: offloopThreadsJs, floor: "raw-postmessage" },
  "raw-fork-json": { label: "raw child_process.fork IPC (json)", create: (o) => rawFork({ ...o, serialization: "json" }), floor: "raw-fork-json" },
  "raw-fork-advanced": { label: "raw child_process.fork IPC (advanced)", create: (o) => rawFork({ ...o, serialization: "advanced" }), floor: "raw-fork-json" },
  "offloop-process": { label: "offloop ProcessPoolExecutor (defaults)", create: offloopProcesses, floor: "raw-fork-json" },
};
