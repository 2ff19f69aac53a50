// The physical floor for latency: a SharedArrayBuffer ping-pong, no messages at all.
import { workerData } from "node:worker_threads";

const flag = new Int32Array(workerData.sab);
const spin = workerData.spin;
// flag[0]: 1 = request posted, 2 = reply posted, 3 = stop. flag[1]: the payload.
for (;;) {
  if (spin) while (Atomics.load(flag, 0) === 0 || Atomics.load(flag, 0) === 2);
  else Atomics.wait(flag, 0, 0);
  const state = Atomics.load(flag, 0);
  if (state === 3) break;
  if (state !== 1) continue;
  flag[1] = flag[1] + 1;
  Atomics.store(flag, 0, 2);
  if (!spin) Atomics.notify(flag, 0);
  // wait until main resets the flag to 0 before the next round
  while (!spin && Atomics.load(flag, 0) === 2) Atomics.wait(flag, 0, 2);
}
