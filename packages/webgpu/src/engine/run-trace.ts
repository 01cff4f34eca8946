/**
 * Where the time of one `compiled.run()` goes: a timestamp at each boundary between its phases,
 * taken on the host thread and, in Node, in the worker that owns the device. Only the benchmark's
 * `traceRun()` asks for one; a plain `run()` takes no timestamps.
 *
 * Timestamps are milliseconds on one clock for every thread of the process: Node's monotonic
 * `process.hrtime` (a worker's `performance.timeOrigin` differs from the main thread's, so
 * `performance.now()` values of two threads cannot be subtracted), `performance.now()` in a
 * browser, where the engine shares the page's thread.
 */

/** The boundaries, in the order a run passes them. */
export const RUN_MARKS = [
  /** compiled.run() entered (host). */
  'called',
  /**
   * The request is about to be posted to the worker (host; absent without a worker). Taken before
   * `postMessage`, since the worker may have the message before that call returns here.
   */
  'posting',
  /** The worker's message handler has the request. */
  'received',
  /** The engine's serial queue reached the run (earlier operations done). */
  'started',
  /** The inputs are written to the queue (`writeBuffer`). */
  'uploaded',
  /** Dispatches and output copies encoded and submitted. */
  'submitted',
  /** The run's validation and out-of-memory error scopes have answered. */
  'checked',
  /** `onSubmittedWorkDone()` resolved: the GPU finished the run (observed, never waited on). */
  'gpuDone',
  /** The readback buffer is mapped. */
  'mapped',
  /** The outputs are copied out of the mapped buffer and it is unmapped. */
  'copied',
  /** The reply is about to be posted (worker). */
  'replying',
  /** The host's message handler has the reply. */
  'replied',
  /** compiled.run() returns its tensors (host). */
  'returned',
] as const;

export type RunMark = (typeof RUN_MARKS)[number];

/** The timestamps of one traced run (ms, see `traceNow`); a mark the path does not pass is absent. */
export type RunMarks = Partial<Record<RunMark, number>>;

/** Now, in milliseconds, on a clock shared by all threads of this process. */
export function traceNow(): number {
  const hr = (globalThis as { process?: { hrtime?: { bigint?: () => bigint } } }).process?.hrtime?.bigint;
  return hr !== undefined ? Number(hr()) / 1e6 : performance.now();
}

/** Records `mark` now into `marks` when the run is traced. */
export function mark(marks: RunMarks | undefined, name: RunMark): void {
  if (marks !== undefined) marks[name] = traceNow();
}
