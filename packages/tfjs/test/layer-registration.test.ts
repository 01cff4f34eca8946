/**
 * The skip layers' registration with tf.serialization: a class name taken by a foreign class is
 * refused with a message naming both; the same layer registered again (by this copy, or by
 * another copy of the package on the same tfjs-core) is accepted and the first class stays.
 */
// Fresh copies of tfjs-core and of the layers need require() inside jest's isolated registries.
/* eslint-disable @typescript-eslint/no-require-imports */
import type { serialization } from '@tensorflow/tfjs-core';
import type * as TfModule from '@tensorflow/tfjs-core';
import type * as LayersModule from '../src/layers';
import type * as RegisterModule from '../src/layers/register';

type Tf = typeof TfModule;
type Layers = typeof LayersModule;
type Register = typeof RegisterModule;

/**
 * A fresh tfjs-core, then `before` on it, then the layers module and its registration helper
 * loaded on that tfjs-core (all inside one isolated module registry).
 */
function freshModules(before?: (tf: Tf) => void): { tf: Tf; layers: Layers; register: Register } {
  let out: { tf: Tf; layers: Layers; register: Register } | undefined;
  jest.isolateModules(() => {
    const tf = require('@tensorflow/tfjs-core') as Tf;
    before?.(tf);
    out = { tf, layers: require('../src/layers') as Layers, register: require('../src/layers/register') as Register };
  });
  return out!;
}

describe('skip layer registration', () => {
  test('a class name taken by a foreign class is refused, naming the name and both classes', () => {
    const load = (): unknown =>
      freshModules((tf) => {
        class MyGate extends tf.serialization.Serializable {
          static readonly className = 'SkipconnGate';
          getConfig(): serialization.ConfigDict {
            return {};
          }
        }
        tf.serialization.registerClass(MyGate);
      }).layers;
    expect(load).toThrow(
      "tfjs layer class name 'SkipconnGate' is already registered with tf.serialization: expected it free (or taken by @skipconn/tfjs's SkipGate from another copy of the package), received class MyGate, not one of @skipconn/tfjs's layers",
    );
  });

  test('registering the same class again changes nothing', () => {
    const { tf, layers, register } = freshModules();
    expect(() => register.registerLayerClass(layers.SkipResidual)).not.toThrow();
    expect(tf.serialization.SerializationMap.getMap().classNameMap['SkipconnResidual']?.[0]).toBe(layers.SkipResidual);
  });

  test("another copy's class of the same layer is accepted and the first registration stays", () => {
    const { tf, layers, register } = freshModules();
    // What the other module format of @skipconn/tfjs would hand over: a different class object
    // with the same name and className.
    const copies = { SkipResidual: class extends layers.SkipResidual {} };
    const copy = copies.SkipResidual;
    expect(copy).not.toBe(layers.SkipResidual);
    expect(copy.name).toBe('SkipResidual');
    expect(() => register.registerLayerClass(copy)).not.toThrow();
    expect(tf.serialization.SerializationMap.getMap().classNameMap['SkipconnResidual']?.[0]).toBe(layers.SkipResidual);
  });

  test('a different skipconn layer under a taken class name is refused', () => {
    const { layers, register } = freshModules();
    const impostor = { SkipConcat: class extends layers.SkipConcat {} }.SkipConcat;
    Object.defineProperty(impostor, 'className', { value: 'SkipconnResidual' });
    expect(() => register.registerLayerClass(impostor)).toThrow(
      "tfjs layer class name 'SkipconnResidual' is already registered with tf.serialization: expected it free (or taken by @skipconn/tfjs's SkipConcat from another copy of the package), received @skipconn/tfjs's SkipResidual",
    );
  });
});
