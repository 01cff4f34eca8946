/**
 * Jest environment for onnxruntime-node. Jest runs tests in a vm context whose ArrayBuffer and
 * typed-array constructors differ from the ones the native binding sees, so onnxruntime rejects
 * tensors ("A float32 tensor's data must be type of function Float32Array()"). This environment
 * hands the test context the outer realm's constructors.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      if (globalThis[name] !== undefined) this.global[name] = globalThis[name];
    }
    if (globalThis.Float16Array !== undefined) this.global.Float16Array = globalThis.Float16Array;
  }
}

module.exports = OrtNodeEnvironment;
