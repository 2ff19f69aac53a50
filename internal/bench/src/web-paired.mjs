// Bun and Deno: a raw web Worker pool (one postMessage per task, id -> resolver map) and the offloop
// adapter in ONE process, taking turns in alternating blocks; medians of per-round ratios.
//   bun src/web-paired.mjs [rounds]      deno run -A src/web-paired.mjs [rounds]
const runtime = typeof Bun !== "undefined" ? "bun" : "deno";
const args = runtime === "deno" ? Deno.args : process.argv.slice(2);
const ROUNDS = Number(args[0] ?? 5);
function raw(workers) {
  const pool = []; const pending = new Map(); let nextId = 0, next = 0;
  for (let i = 0; i < workers; i++) {
    const w = new Worker(new URL("./workers/web-raw-worker.mjs", import.meta.url).href, { type: "module" });
    w.onmessage = (e) => { const r = pending.get(e.data[0]); pending.delete(e.data[0]); r(e.data[1]); };
    pool.push(w);
  }
  return { call: (x) => new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); pool[next++ % pool.length].postMessage([id, 0, x, false]); }), close: async () => pool.forEach((w) => w.terminate()) };
}
const { ThreadPoolExecutor } = await import(new URL(`../../../packages/${runtime}-worker/dist/index.js`, import.meta.url).href);
const { default: tasks } = await import(new URL("./workers/offloop-tasks.mjs", import.meta.url).href);
const ex = new ThreadPoolExecutor({ maxWorkers: 2 });
const rows = { raw: raw(2), offloop: { call: (x) => ex.submit(tasks.noop, x), close: () => ex.shutdown() } };
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
for (const id in rows) for (let w = 0; w < 3; w++) await Promise.all(Array.from({ length: 5000 }, (_, i) => rows[id].call(i)));
const ratios = { lat: [], thr: [] }, vals = { lat: { raw: [], offloop: [] }, thr: { raw: [], offloop: [] } };
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? ["raw", "offloop"] : ["offloop", "raw"];
  const lat = { raw: [], offloop: [] };
  for (let b = 0; b < 10; b++) for (const id of b % 2 ? order : [...order].reverse()) {
    const t = performance.now(); for (let i = 0; i < 300; i++) await rows[id].call(i); lat[id].push((performance.now() - t) * 1000 / 300);
  }
  const thr = { raw: [], offloop: [] };
  for (let b = 0; b < 4; b++) for (const id of b % 2 ? order : [...order].reverse()) {
    const n = 100000, f = new Array(n); const t = performance.now();
    for (let i = 0; i < n; i++) f[i] = rows[id].call(i);
    await Promise.all(f); thr[id].push(n / ((performance.now() - t) / 1000));
  }
  for (const k of ["raw", "offloop"]) { vals.lat[k].push(median(lat[k])); vals.thr[k].push(median(thr[k])); }
  ratios.lat.push(median(lat.offloop) / median(lat.raw)); ratios.thr.push(median(thr.offloop) / median(thr.raw));
  console.log(`round ${r + 1}: lat offloop ${median(lat.offloop).toFixed(1)} raw ${median(lat.raw).toFixed(1)} us; thr offloop ${median(thr.offloop).toFixed(0)} raw ${median(thr.raw).toFixed(0)} /s`);
}
const f = (a) => `${median(a).toFixed(2)}x (${Math.min(...a).toFixed(2)}..${Math.max(...a).toFixed(2)})`;
console.log(`${runtime}: latency offloop/raw ${f(ratios.lat)} [${median(vals.lat.offloop).toFixed(1)} vs ${median(vals.lat.raw).toFixed(1)} us]; throughput offloop/raw ${f(ratios.thr)} [${median(vals.thr.offloop).toFixed(0)} vs ${median(vals.thr.raw).toFixed(0)} /s]`);
await rows.offloop.close(); await rows.raw.close();
runtime === "deno" ? Deno.exit(0) : process.exit(0);
