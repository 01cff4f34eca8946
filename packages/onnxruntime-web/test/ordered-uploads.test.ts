/**
 * orderUploads on a recording fake of the WebGPU objects onnxruntime-web uses: a write into a
 * storage buffer while a command encoder is open must land in the encoder, after what was
 * recorded before it. (On the real JSEP EP: `block/centernet-decoding/topk-columns/NTC` in the
 * conformance suite, and tools/jsep/topk-concat.ts.)
 */
import { hasOrderedUploads, orderUploads, writeBufferSource } from '@skipconn/onnxruntime-web';

const STORAGE = 0x80;
const UNIFORM = 0x40;
const COPY_DST = 0x08;

interface FakeBuffer {
  readonly label: string;
  readonly usage: number;
  readonly size: number;
  bytes: Uint8Array;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

function fakeGpu() {
  const log: string[] = [];
  let staged = 0;
  let passes = 0;
  const buffer = (label: string, usage: number, size: number): FakeBuffer => {
    const b: FakeBuffer = {
      label,
      usage,
      size,
      bytes: new Uint8Array(size),
      getMappedRange: () => b.bytes.buffer as ArrayBuffer,
      unmap: () => log.push(`unmap ${label}`),
      destroy: () => log.push(`destroy ${label}`),
    };
    return b;
  };
  const device = {
    limits: { maxBufferSize: 1024 },
    onuncapturederror: null as unknown,
    queue: {
      writeBuffer(b: FakeBuffer, offset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number) {
        log.push(`writeBuffer ${b.label}@${offset} [${Array.from(writeBufferSource(data, dataOffset, size)).join(',')}]`);
      },
      submit(list: readonly unknown[]) {
        log.push(`submit ${list.join(',')}`);
      },
    },
    createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }) {
      return buffer(`staging${++staged}`, d.usage, d.size);
    },
    createCommandEncoder() {
      return {
        beginComputePass(d?: { timestampWrites?: unknown }) {
          const id = ++passes;
          log.push(`begin pass${id}${d?.timestampWrites !== undefined ? ' with timestamps' : ''}`);
          return {
            setPipeline: (p: string) => log.push(`pass${id} setPipeline ${p}`),
            dispatchWorkgroups: (n: number) => log.push(`pass${id} dispatch ${n}`),
            end: () => log.push(`end pass${id}`),
          };
        },
        copyBufferToBuffer(src: FakeBuffer, so: number, dst: FakeBuffer, dof: number, n: number) {
          log.push(`copy ${src.label}@${so} -> ${dst.label}@${dof} (${n} bytes: ${Array.from(src.bytes.subarray(so, so + n)).join(',')})`);
        },
        finish: () => {
          log.push('finish');
          return 'commands';
        },
      };
    },
  };
  const adapter = {
    limits: { maxBufferSize: 1024 },
    requestDevice: async () => device,
  };
  return { adapter, device, log, buffer };
}

type Pass = { setPipeline(p: string): void; dispatchWorkgroups(n: number): void; end(): void };
type Encoder = { beginComputePass(d?: object): Pass; copyBufferToBuffer(...a: unknown[]): void; finish(): unknown };
type Device = {
  queue: { writeBuffer(b: FakeBuffer, o: number, d: ArrayBufferLike | ArrayBufferView, dof?: number, n?: number): void; submit(l: unknown[]): void };
  createCommandEncoder(): Encoder;
  limits: { maxBufferSize: number };
  onuncapturederror: unknown;
};

async function ordered() {
  const gpu = fakeGpu();
  const wrapped = orderUploads(gpu.adapter);
  const device = (await wrapped.requestDevice()) as unknown as Device;
  return { ...gpu, wrapped, device };
}

describe('orderUploads', () => {
  test('a storage write while a pass is open becomes a copy between the kernels before and after it', async () => {
    const { device, buffer, log } = await ordered();
    const a = buffer('A', STORAGE | COPY_DST, 16);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass({});
    pass.setPipeline('cast');
    pass.dispatchWorkgroups(1);
    device.queue.writeBuffer(a, 4, new Uint32Array([9, 1, 2, 3]), 1, 2);
    // The EP goes on with the pass object it holds.
    pass.setPipeline('concat');
    pass.dispatchWorkgroups(2);
    pass.end();
    device.queue.submit([encoder.finish()]);
    expect(log).toEqual([
      'begin pass1',
      'pass1 setPipeline cast',
      'pass1 dispatch 1',
      'unmap staging1',
      'end pass1',
      'copy staging1@0 -> A@4 (8 bytes: 1,0,0,0,2,0,0,0)',
      'begin pass2',
      'pass2 setPipeline concat',
      'pass2 dispatch 2',
      'end pass2',
      'finish',
      'submit commands',
      'destroy staging1',
    ]);
  });

  test('with no encoder open, or into a uniform buffer, a write goes straight to the queue', async () => {
    const { device, buffer, log } = await ordered();
    const a = buffer('A', STORAGE | COPY_DST, 8);
    const u = buffer('U', UNIFORM | COPY_DST, 8);
    device.queue.writeBuffer(a, 0, new Uint8Array([1, 2, 3, 4]));
    const encoder = device.createCommandEncoder();
    encoder.beginComputePass().dispatchWorkgroups(1);
    device.queue.writeBuffer(u, 0, new Uint8Array([5, 6, 7, 8]).buffer, 0, 4);
    encoder.finish();
    device.queue.writeBuffer(a, 4, new Uint8Array([9, 9, 9, 9]));
    expect(log).toEqual(['writeBuffer A@0 [1,2,3,4]', 'begin pass1', 'pass1 dispatch 1', 'writeBuffer U@0 [5,6,7,8]', 'finish', 'writeBuffer A@4 [9,9,9,9]']);
  });

  test('between passes the copy needs no pass of its own; a pass begun again drops its timestamp writes', async () => {
    const { device, buffer, log } = await ordered();
    const a = buffer('A', STORAGE, 4);
    const encoder = device.createCommandEncoder();
    const first = encoder.beginComputePass();
    first.end();
    device.queue.writeBuffer(a, 0, new Float32Array([1]));
    const second = encoder.beginComputePass({ timestampWrites: { querySet: 'q' } });
    device.queue.writeBuffer(a, 0, new Uint8Array([7, 0, 0, 0]));
    second.dispatchWorkgroups(3);
    expect(log.filter((l) => !l.startsWith('unmap'))).toEqual([
      'begin pass1',
      'end pass1',
      'copy staging1@0 -> A@0 (4 bytes: 0,0,128,63)',
      'begin pass2 with timestamps',
      'end pass2',
      'copy staging2@0 -> A@0 (4 bytes: 7,0,0,0)',
      'begin pass3',
      'pass3 dispatch 3',
    ]);
  });

  test('the wrappers forward everything else and are marked', async () => {
    const { adapter, wrapped, device } = await ordered();
    expect(wrapped.limits.maxBufferSize).toBe(1024);
    expect(hasOrderedUploads(wrapped)).toBe(true);
    expect(hasOrderedUploads(device)).toBe(true);
    expect(hasOrderedUploads(adapter)).toBe(false);
    expect(orderUploads(wrapped)).toBe(wrapped);
    const handler = () => undefined;
    device.onuncapturederror = handler;
    expect((await adapter.requestDevice()).onuncapturederror).toBe(handler);
    expect(device.limits.maxBufferSize).toBe(1024);
  });
});

describe('writeBufferSource', () => {
  test('offsets and sizes count elements for typed arrays and bytes for buffers', () => {
    const words = new Uint16Array([1, 2, 3, 4, 5, 6]);
    expect(Array.from(writeBufferSource(words.subarray(1), 1, 2))).toEqual([3, 0, 4, 0]);
    expect(Array.from(writeBufferSource(words.buffer, 2, 4))).toEqual([2, 0, 3, 0]);
    expect(writeBufferSource(words, 4).byteLength).toBe(4);
  });
});
