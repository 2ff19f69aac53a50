// The work every row runs, shared so that all pools execute the same code.

/** A no-op task: returns its argument. */
export function noop(x) {
  return x;
}

/** CPU work: `iterations` rounds of integer arithmetic (calibrated to ~20 ms by the runner). */
export function burn(iterations) {
  let h = 0x811c9dc5;
  for (let i = 0; i < iterations; i++) {
    h ^= i;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A tiny per-item task for the map scenario. */
export function inc(x) {
  return x + 1;
}

/** Runs `inc` over a chunk of items (what a peer without `map` is given). */
export function incChunk(items) {
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i++) out[i] = items[i] + 1;
  return out;
}
