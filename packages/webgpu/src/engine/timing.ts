/// <reference types="@webgpu/types" />
/**
 * Benchmark timing of a compiled plan (never used by `run()`, never asserted by tests): GPU time
 * per run from timestamp queries, runs issued one at a time, and runs submitted back to back.
 * The engine hands it a plan whose inputs are uploaded, inside its serial queue
 * (`Engine.withUploadedPlan`), so nothing else touches the device while it measures.
 */
import { BufferUsage, MapMode } from './gpu-constants';

/** What the benchmark asks `time()` to measure. */
export interface TimeOptions {
  /** Runs measured back to back: encoded into one command buffer, submitted once (0: skip). */
  readonly reps: number;
  /** Untimed runs first (default 3). */
  readonly warmup?: number;
  /** Runs issued one at a time, each waited for before the next (default 0). */
  readonly single?: number;
  /** Stop issuing single runs after this many milliseconds. */
  readonly singleMaxMs?: number;
}

export interface TimeResult {
  /** GPU time of each of `reps` runs from timestamp queries; null without timestamp support. */
  readonly gpuMs: readonly number[] | null;
  /** Back to back: wall time from the one submit to completion, divided by `reps` (NaN when reps is 0). */
  readonly wallMs: number;
  /** Each single run: encoding, submit and wait for completion. */
  readonly singleMs: readonly number[];
  /** Each single run's parts, which add up to its `singleMs`. */
  readonly singleSteps: readonly SingleRunSteps[];
}

/** Where one single run's time went (ms). */
export interface SingleRunSteps {
  /** Recording the dispatches into a command buffer. */
  readonly encode: number;
  /** `queue.submit`. */
  readonly submit: number;
  /** From the submit's return to `onSubmittedWorkDone()` resolving: the GPU's work plus the notification. */
  readonly wait: number;
}

/** A compiled plan with its inputs on the device, as timing sees it. */
export interface UploadedPlan {
  readonly device: GPUDevice;
  /** Whether the device was created with 'timestamp-query'. */
  readonly timestamps: boolean;
  /** Records one run's dispatches into a compute pass. */
  encodeRun(pass: GPUComputePassEncoder): void;
  /** Waits for a GPU promise as `run()` does (the engine's `waitForGpu`). */
  wait<T>(promise: Promise<T>): Promise<T>;
}

/**
 * `warmup` untimed runs; then GPU time per run from timestamp queries over `reps` runs (when the
 * device has them), then `single` runs issued one at a time, each timed from encoding to
 * `onSubmittedWorkDone()` (waited for as `run()` waits for its readback), and last `reps` runs encoded into one command buffer, submitted once
 * and waited for once.
 */
export async function timeUploadedPlan(plan: UploadedPlan, options: TimeOptions): Promise<TimeResult> {
  const { device, wait } = plan;
  const { reps, warmup = 3, single = 0, singleMaxMs = Infinity } = options;
  const encode = (enc: GPUCommandEncoder, ts?: { set: GPUQuerySet; index: number }): void => {
    const pass = enc.beginComputePass(ts === undefined ? {} : { timestampWrites: { querySet: ts.set, beginningOfPassWriteIndex: ts.index, endOfPassWriteIndex: ts.index + 1 } });
    plan.encodeRun(pass);
    pass.end();
  };
  const encodeRuns = (n: number): GPUCommandBuffer => {
    const enc = device.createCommandEncoder();
    for (let r = 0; r < n; r++) encode(enc);
    return enc.finish();
  };
  const submitRuns = (n: number): void => device.queue.submit([encodeRuns(n)]);
  for (let i = 0; i < warmup; i++) submitRuns(1);
  await wait(device.queue.onSubmittedWorkDone());
  let gpuMs: number[] | null = null;
  if (plan.timestamps && reps > 0) {
    const set = device.createQuerySet({ type: 'timestamp', count: 2 * reps });
    const resolve = device.createBuffer({ size: 16 * reps, usage: BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC });
    const read = device.createBuffer({ size: 16 * reps, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    const enc = device.createCommandEncoder();
    for (let r = 0; r < reps; r++) encode(enc, { set, index: 2 * r });
    enc.resolveQuerySet(set, 0, 2 * reps, resolve, 0);
    enc.copyBufferToBuffer(resolve, 0, read, 0, 16 * reps);
    device.queue.submit([enc.finish()]);
    await wait(read.mapAsync(MapMode.READ));
    const t = new BigUint64Array(read.getMappedRange().slice(0));
    read.unmap();
    gpuMs = [];
    for (let r = 0; r < reps; r++) gpuMs.push(Number(t[2 * r + 1]! - t[2 * r]!) / 1e6);
    [set, resolve, read].forEach((o) => o.destroy());
  }
  // One untimed run and wait: what the upload and the timestamp readback leave for the next
  // completed submit (staging and query memory Dawn frees then) is done before any clock starts.
  submitRuns(1);
  await wait(device.queue.onSubmittedWorkDone());
  const singleMs: number[] = [];
  const singleSteps: SingleRunSteps[] = [];
  const singleStart = performance.now();
  for (let i = 0; i < single && (i === 0 || performance.now() - singleStart < singleMaxMs); i++) {
    const t0 = performance.now();
    const commands = encodeRuns(1);
    const t1 = performance.now();
    device.queue.submit([commands]);
    const t2 = performance.now();
    await wait(device.queue.onSubmittedWorkDone());
    const t3 = performance.now();
    singleMs.push(t3 - t0);
    singleSteps.push({ encode: t1 - t0, submit: t2 - t1, wait: t3 - t2 });
  }
  let wallMs = NaN;
  if (reps > 0) {
    const commands = encodeRuns(reps);
    const t0 = performance.now();
    device.queue.submit([commands]);
    await wait(device.queue.onSubmittedWorkDone());
    wallMs = (performance.now() - t0) / reps;
  }
  return { gpuMs, wallMs, singleMs, singleSteps };
}
