/**
 * What a BullMQExecutor and a worker host say to each other through Redis:
 * the job data, the progress envelopes and the cancel channel. One short,
 * versioned file; values inside are encoded by `codec.ts`.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Bumped when the job data changes shape; a host refuses jobs of another version. */
export const JOB_VERSION = 1;

/** The data of one BullMQ job: which task, and its encoded arguments. */
export interface JobData {
  /** JOB_VERSION. */
  v: number;
  /** Task module: `./path` relative to the app root, or an absolute URL. */
  m?: string;
  /** Task name in its module. */
  n?: string;
  /** Or: a self-contained function's source. */
  s?: string;
  /** The arguments array (or, for a chunk, the items), encoded. */
  a: string;
  /** 1 when `a` holds a chunk of items from `map`: the task runs once per item. */
  c?: 1;
}

/** A job's progress value: a task's progress report, or its error (sent just before the job fails). */
export type ProgressEnvelope = { offloop: "progress"; value: string } | { offloop: "error"; error: string };

/** The pub/sub channel on which producers name the jobs to cancel. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:offloop:cancel`;
}

/**
 * How a task module is named in a job: `file:` URLs under `root` become
 * `./relative/path`, so that hosts with the app checked out elsewhere find
 * it under their own root; anything else stays an absolute URL.
 */
export function moduleRef(moduleUrl: string, root: string): string {
  if (!moduleUrl.startsWith("file:")) return moduleUrl;
  const path = relative(root, fileURLToPath(moduleUrl));
  if (path === "" || path.startsWith("..") || isAbsolute(path)) return moduleUrl;
  return `./${path.split(sep).join("/")}`;
}

/** The URL a host imports for a module named in a job. */
export function resolveModuleRef(ref: string, root: string): string {
  return ref.startsWith("./") ? pathToFileURL(resolve(root, ref)).href : ref;
}
