/**
 * Node only: waiting for the GPU without spinning a CPU core.
 *
 * While any of its promises is pending, Dawn's Node binding polls for completed work by calling
 * `wgpuInstanceProcessEvents` from a `setImmediate` that queues itself again, so the thread
 * waiting for a run turns its event loop as fast as it can: one core busy for the whole wait.
 * On a machine with few cores that core is taken from whatever does the GPU's work or signals
 * its completion. With SwiftShader (the GPU is CPU threads) on 2 cores, a run of 1024 elements
 * that takes 0.2 ms while the waiting thread sleeps took about 4 ms while it spun
 * (docs/webgpu.md, "Waiting for the GPU").
 *
 * `pacedWait` lets Dawn poll on every turn of the event loop as before, but sleeps between turns
 * for a tenth of the time waited so far, at most 50 us: a completion is seen at most
 * max(10% of the wait, 50 us) plus one poll after it happens, and a long wait keeps its thread
 * asleep almost all the time. The sleeps are `Atomics.wait` (worker threads may block; 50 us is
 * far below what Dawn tolerates, see "Why a worker").
 */

/** Longest sleep between two polls (ms). */
export const MAX_SLEEP_MS = 0.05;
/** Sleep at most this share of the time waited so far, so short waits stay short. */
export const SLEEP_SHARE = 0.1;

const cell = new Int32Array(new SharedArrayBuffer(4));

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves or rejects as `promise` does, sleeping between Dawn's polls meanwhile. */
export async function pacedWait<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const settle = (): void => {
    settled = true;
  };
  promise.then(settle, settle);
  const start = performance.now();
  while (!settled) {
    await nextTurn();
    if (settled) break;
    const sleep = Math.min(MAX_SLEEP_MS, (performance.now() - start) * SLEEP_SHARE);
    if (sleep >= 0.001) Atomics.wait(cell, 0, 0, sleep);
  }
  return promise;
}
