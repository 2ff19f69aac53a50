// Task module, in TypeScript: Node 24, Bun and Deno load it in their workers
// as it is. Workers import this file by URL. The word table below is used by
// main.ts too (to read the results), so it lives here, next to the task.
import { defineTasks, taskContext } from "offloop/tasks";
import type { Channel, Mutex } from "offloop/shared";
import { readFileSync } from "node:fs";

/** Counts the words of `text` into `into`: lower-cased runs of letters, with inner apostrophes ("don't"). */
export function countWords(text: string, into = new Map<string, number>()): Map<string, number> {
  for (const word of text.toLowerCase().match(/\p{L}+(?:'\p{L}+)*/gu) ?? []) into.set(word, (into.get(word) ?? 0) + 1);
  return into;
}

// The table's layout in its SharedArrayBuffer: a header, then one slot per word
// (open addressing, linear probing): its count, its key's length and its key's bytes.
const SLOTS = 1 << 14;
const KEY_BYTES = 32;
const HEADER = 4; // Int32 words: distinct words, words, files
const DISTINCT = 0;
const WORDS = 1;
const FILES = 2;
const COUNTS_AT = HEADER * 4;
const LENGTHS_AT = COUNTS_AT + SLOTS * 4;
const KEYS_AT = LENGTHS_AT + SLOTS;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Word counts in a SharedArrayBuffer (about 600 KB for 16,384 words of up
 * to 32 bytes), seen by every worker and by the main thread. `merge` does
 * plain reads and writes: call it only while holding the Mutex. The files
 * and words merged so far are also kept with Atomics, so that the main
 * thread's progress bar can read them without the lock.
 */
export class WordTable {
  static readonly bytes = KEYS_AT + SLOTS * KEY_BYTES;
  /** The memory to pass to tasks: each makes its own `new WordTable(buffer)` on it. */
  readonly buffer: SharedArrayBuffer;
  readonly #header: Int32Array;
  readonly #counts: Int32Array;
  readonly #lengths: Uint8Array;
  readonly #keys: Uint8Array;

  constructor(buffer = new SharedArrayBuffer(WordTable.bytes)) {
    this.buffer = buffer;
    this.#header = new Int32Array(buffer, 0, HEADER);
    this.#counts = new Int32Array(buffer, COUNTS_AT, SLOTS);
    this.#lengths = new Uint8Array(buffer, LENGTHS_AT, SLOTS);
    this.#keys = new Uint8Array(buffer, KEYS_AT, SLOTS * KEY_BYTES);
  }

  /** Files merged so far (read without the lock). */
  get files(): number {
    return Atomics.load(this.#header, FILES);
  }

  /** Words merged so far (read without the lock). */
  get words(): number {
    return Atomics.load(this.#header, WORDS);
  }

  /** Adds one file's counts. Only under the mutex: two threads probing at once could claim the same slot. */
  merge(counts: Map<string, number>): void {
    let words = 0;
    for (const [word, n] of counts) {
      this.#counts[this.#slot(word)] += n;
      words += n;
    }
    Atomics.add(this.#header, WORDS, words);
    Atomics.add(this.#header, FILES, 1);
  }

  /** Every word and its count (after the tasks are done, or under the mutex). */
  entries(): Array<[string, number]> {
    const entries: Array<[string, number]> = [];
    for (let slot = 0; slot < SLOTS; slot++) {
      const length = this.#lengths[slot];
      if (length) entries.push([decoder.decode(this.#keys.slice(slot * KEY_BYTES, slot * KEY_BYTES + length)), this.#counts[slot]]);
    }
    return entries;
  }

  /** The slot of `word`, claimed for it if it is new. */
  #slot(word: string): number {
    const key = encoder.encode(word);
    if (key.length > KEY_BYTES) throw new RangeError(`"${word}" is longer than the table's ${KEY_BYTES} bytes per word`);
    let hash = 0x811c9dc5; // FNV-1a
    for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193);
    for (let slot = hash & (SLOTS - 1); ; slot = (slot + 1) & (SLOTS - 1)) {
      const length = this.#lengths[slot];
      if (length === 0) {
        if (this.#header[DISTINCT] >= SLOTS * 0.75) throw new RangeError(`The word table is full (${this.#header[DISTINCT]} words)`);
        this.#keys.set(key, slot * KEY_BYTES);
        this.#lengths[slot] = key.length;
        this.#header[DISTINCT]++;
        return slot;
      }
      if (length === key.length && key.every((byte, i) => this.#keys[slot * KEY_BYTES + i] === byte)) return slot;
    }
  }
}

export default defineTasks(import.meta.url, {
  /**
   * Takes file names from `files` until it is closed and drained, counts each
   * file's words (outside the lock: that part runs in parallel), then merges
   * them into the shared table while holding `mutex`. Returns what this task did.
   */
  countFiles(files: Channel<string>, table: SharedArrayBuffer, mutex: Mutex) {
    const words = new WordTable(table);
    const mine = { worker: taskContext().workerId, files: 0, words: 0 };
    for (const path of files) {
      const counts = countWords(readFileSync(path, "utf8"));
      {
        using guard = mutex.lock(); // blocks this worker while another merges; released at the end of the block
        words.merge(counts);
      }
      mine.files++;
      for (const n of counts.values()) mine.words += n;
    }
    return mine;
  },
});
