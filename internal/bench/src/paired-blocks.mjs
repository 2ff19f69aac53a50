// Measures a row against its floor in ONE process: short blocks taking turns (ABBA), so that the
// machine's load falls on both alike; the result is the medians and their ratio. Used by
// node-scenario.mjs and web-scenario.mjs (both pools already started and warmed by the caller).
import { median } from "./median.mjs";

/**
 * @param row the pool measured, @param floor its floor, @param blocks how many blocks each,
 * @param measure (pool) => Promise<{ value }> one block's measurement
 */
export async function pairedBlocks(row, floor, blocks, measure) {
  const own = [];
  const base = [];
  for (let block = 0; block < blocks; block++) {
    for (const pool of block % 2 ? [floor, row] : [row, floor]) (pool === row ? own : base).push(await measure(pool));
  }
  const value = median(own.map((r) => r.value));
  const floorValue = median(base.map((r) => r.value));
  return { ...own.at(-1), value, floorValue, pairedRatio: value / floorValue };
}
