/**
 * createSkipKernels, the public API for WebGPU programmers, on a raw GPUDevice. The device lives in
 * a worker thread (skip-kernels.worker.ts) because the thread owning a Dawn device must never block,
 * and a jest thread does.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { WorkerMessage } from './skip-kernels.worker';

describe('createSkipKernels', () => {
  let message: WorkerMessage;

  beforeAll(async () => {
    const worker = new Worker(path.join(__dirname, 'skip-kernels.worker.js'), { env: SHARE_ENV });
    message = await new Promise<WorkerMessage>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
  }, 60_000);

  it('matches plain arithmetic for every kernel', () => {
    if ('error' in message) throw new Error(message.error);
    if ('unavailable' in message) {
      if ((process.env['REQUIRE_ADAPTERS'] ?? '').split(',').includes('webgpu')) throw new Error(message.unavailable);
      console.warn(`createSkipKernels tests skipped: ${message.unavailable}`);
      return;
    }
    expect(message.results.map((r) => r.name)).toHaveLength(6);
    for (const r of message.results) expect({ name: r.name, ok: r.maxAbsError < 1e-5 }).toEqual({ name: r.name, ok: true });
  });
});
