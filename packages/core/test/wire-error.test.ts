/**
 * The error codec used across worker, process and page boundaries: every class comes back as
 * itself, with its code, message and facts, through both JSON and structured clone.
 */
import type * as ErrorsModule from '../src/errors';
import { AdapterUnavailableError, FileFormatError, GraphError, MissingPackageError, SkipconnError, UnsupportedError, isUserError } from '../src/errors';
import { decodeError, encodeError, type WireError } from '../src/wire-error';

const transports: readonly [string, (w: WireError) => WireError][] = [
  ['JSON', (w) => JSON.parse(JSON.stringify(w)) as WireError],
  ['structured clone', (w) => structuredClone(w)],
];

function roundTrip(err: unknown, through: (w: WireError) => WireError): Error {
  return decodeError(through(encodeError(err)));
}

describe.each(transports)('error round trip through %s', (_label, through) => {
  test('SkipconnError keeps its code and message', () => {
    const back = roundTrip(new SkipconnError('INPUT_INVALID', "input 'x' is missing"), through);
    expect(back).toBeInstanceOf(SkipconnError);
    expect(back.constructor).toBe(SkipconnError);
    expect(back).toMatchObject({ name: 'SkipconnError', code: 'INPUT_INVALID', message: "input 'x' is missing" });
    expect(isUserError(back)).toBe(true);
  });

  test('GraphError keeps its code, node, op, expected, received and hint', () => {
    const original = new GraphError('SHAPE_MISMATCH', { node: 'add1', op: 'add' }, 'operand shapes differ', { expected: '[1,8]', received: '[1,9]', hint: 'insert a projection' });
    const back = roundTrip(original, through);
    expect(back).toBeInstanceOf(GraphError);
    expect(back).toMatchObject({ name: 'GraphError', code: 'SHAPE_MISMATCH', node: 'add1', op: 'add', expected: '[1,8]', received: '[1,9]', hint: 'insert a projection' });
    expect(back.message).toBe("node 'add1' (add): operand shapes differ: expected [1,8], received [1,9]. insert a projection");
  });

  test('GraphError without facts has none after the trip', () => {
    const back = roundTrip(new GraphError('GRAPH_INVALID', {}, 'no outputs'), through) as GraphError;
    expect(back).toBeInstanceOf(GraphError);
    expect(back.message).toBe('graph: no outputs');
    expect([back.node, back.op, back.expected, back.received, back.hint]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  test('FileFormatError keeps its file and offset', () => {
    const back = roundTrip(new FileFormatError('model.onnx', 'truncated varint', 17), through);
    expect(back).toBeInstanceOf(FileFormatError);
    expect(back).toMatchObject({ name: 'FileFormatError', code: 'FILE_FORMAT', file: 'model.onnx', offset: 17, message: 'model.onnx at byte 17: truncated varint' });
  });

  test('UnsupportedError keeps its message', () => {
    const back = roundTrip(new UnsupportedError('dtype int8', { node: 'c1', op: 'conv2d' }, ['float32']), through);
    expect(back).toBeInstanceOf(UnsupportedError);
    expect(back).toMatchObject({ name: 'UnsupportedError', code: 'UNSUPPORTED', message: "node 'c1' (conv2d): dtype int8 is not supported; supported: float32" });
  });

  test('AdapterUnavailableError keeps adapter, reason and fix', () => {
    const back = roundTrip(new AdapterUnavailableError('webgpu', 'no GPU adapter', 'install a Vulkan driver'), through);
    expect(back).toBeInstanceOf(AdapterUnavailableError);
    expect(back).toMatchObject({
      name: 'AdapterUnavailableError',
      code: 'ADAPTER_UNAVAILABLE',
      adapter: 'webgpu',
      reason: 'no GPU adapter',
      fix: 'install a Vulkan driver',
      message: 'adapter webgpu is unavailable: no GPU adapter (to enable: install a Vulkan driver)',
    });
  });

  test('AdapterUnavailableError without a fix has none after the trip', () => {
    const back = roundTrip(new AdapterUnavailableError('ort-web:wasm', 'no wasm'), through) as AdapterUnavailableError;
    expect(back.fix).toBeUndefined();
    expect(back.message).toBe('adapter ort-web:wasm is unavailable: no wasm');
  });

  test('MissingPackageError keeps package and install', () => {
    const back = roundTrip(new MissingPackageError('tfjs:wasm', '@tensorflow/tfjs-backend-wasm'), through);
    expect(back).toBeInstanceOf(MissingPackageError);
    expect(back).toMatchObject({
      name: 'MissingPackageError',
      code: 'PACKAGE_MISSING',
      package: '@tensorflow/tfjs-backend-wasm',
      install: 'npm install @tensorflow/tfjs-backend-wasm',
      message: 'tfjs:wasm needs @tensorflow/tfjs-backend-wasm, which is not installed (npm install @tensorflow/tfjs-backend-wasm)',
    });
  });

  test('a plain Error keeps its name and message and is not a user error', () => {
    const original = new TypeError('x is not a function');
    const back = roundTrip(original, through);
    expect(back).toBeInstanceOf(Error);
    expect(back).not.toBeInstanceOf(SkipconnError);
    expect(back.name).toBe('TypeError');
    expect(back.message).toBe('x is not a function');
  });

  test('a thrown non-Error becomes an Error with its text', () => {
    const back = roundTrip('a bare string', through);
    expect(back).toMatchObject({ name: 'Error', message: 'a bare string' });
  });
});

describe('error codec options and edge cases', () => {
  test('a subclass defined outside core travels as the core class it extends', () => {
    class UsageLikeError extends SkipconnError {
      constructor(message: string) {
        super('USAGE', message);
      }
    }
    const back = decodeError(encodeError(new UsageLikeError('unknown flag --x')));
    expect(back.constructor).toBe(SkipconnError);
    expect(back).toMatchObject({ code: 'USAGE', message: 'unknown flag --x' });
  });

  test('an error made by another copy of core encodes as its class', () => {
    let other: typeof ErrorsModule | undefined;
    jest.isolateModules(() => {
      // A second copy of the module needs require() inside jest's isolated registry; import() would be the cached copy.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      other = require('../src/errors') as typeof ErrorsModule;
    });
    expect(other!.AdapterUnavailableError).not.toBe(AdapterUnavailableError);
    const wire = encodeError(new other!.AdapterUnavailableError('tfjs:webgl', 'no browser', 'use one'));
    expect(wire).toEqual({
      name: 'AdapterUnavailableError',
      message: 'adapter tfjs:webgl is unavailable: no browser (to enable: use one)',
      code: 'ADAPTER_UNAVAILABLE',
      adapter: 'tfjs:webgl',
      reason: 'no browser',
      fix: 'use one',
    });
  });

  test('the wire form holds only the facts the error has (no undefined keys)', () => {
    expect(encodeError(new AdapterUnavailableError('a', 'r'))).toEqual({ name: 'AdapterUnavailableError', message: 'adapter a is unavailable: r', code: 'ADAPTER_UNAVAILABLE', adapter: 'a', reason: 'r' });
    expect(Object.keys(encodeError(new FileFormatError('f.json', 'bad')))).toEqual(['name', 'message', 'code', 'file']);
  });

  test('a proxy can report an AdapterUnavailableError under its own name', () => {
    const wire = encodeError(new AdapterUnavailableError('webgpu', 'no GPU', 'enable WebGPU'));
    const back = decodeError(wire, { adapter: 'webgpu@chromium' });
    expect(back).toBeInstanceOf(AdapterUnavailableError);
    expect(back).toMatchObject({ adapter: 'webgpu@chromium', reason: 'no GPU', fix: 'enable WebGPU', message: 'adapter webgpu@chromium is unavailable: no GPU (to enable: enable WebGPU)' });
  });

  test('with an origin, a bug keeps the remote stack in its message; without one it does not', () => {
    const wire: WireError = { name: 'RangeError', message: 'bad index', stack: 'RangeError: bad index\n    at kernel (engine.ts:1:1)' };
    expect(decodeError(wire, { origin: 'webgpu worker' }).message).toBe('bad index\n(webgpu worker) RangeError: bad index\n    at kernel (engine.ts:1:1)');
    expect(decodeError(wire).message).toBe('bad index');
  });

  test('a SkipconnError class whose facts are missing from the wire falls back to a SkipconnError with the code', () => {
    const back = decodeError({ name: 'AdapterUnavailableError', message: 'adapter x is unavailable', code: 'ADAPTER_UNAVAILABLE' });
    expect(back.constructor).toBe(SkipconnError);
    expect(back).toMatchObject({ code: 'ADAPTER_UNAVAILABLE', message: 'adapter x is unavailable' });
  });
});
