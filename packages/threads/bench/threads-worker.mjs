// The same task as a plain threads.js worker, for threads.js's Pool.
import { expose } from "threads/worker";

expose({
  add(a, b) {
    return a + b;
  },
});
