/**
 * Registering the skip layers with tf.serialization, whose class-name map silently replaces a
 * class registered under a taken name. Here a taken name is refused unless it is taken by the same
 * layer of another copy of this package (its other module format, loaded in the same process on
 * the same tfjs-core): that registration stays, as the adapter registry keeps its first one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { SkipconnError, clipUserText } from '@skipconn/core';

/** Marks a class this package registered, in every copy of it (a global symbol). */
const SKIPCONN_LAYER = Symbol.for('skipconn.tfjs-layer');

type LayerClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable> & { readonly name: string };

export function registerLayerClass(cls: LayerClass): void {
  const taken = tf.serialization.SerializationMap.getMap().classNameMap[cls.className]?.[0] as (LayerClass & { [SKIPCONN_LAYER]?: boolean }) | undefined;
  if (taken === cls) return;
  if (taken !== undefined) {
    if (taken[SKIPCONN_LAYER] === true && taken.name === cls.name) return;
    const who = taken[SKIPCONN_LAYER] === true ? `@skipconn/tfjs's ${taken.name}` : `class ${clipUserText(taken.name || '(anonymous)')}, not one of @skipconn/tfjs's layers`;
    throw new SkipconnError(
      'USAGE',
      `tfjs layer class name '${cls.className}' is already registered with tf.serialization: expected it free (or taken by @skipconn/tfjs's ${cls.name} from another copy of the package), received ${who}`,
    );
  }
  Object.defineProperty(cls, SKIPCONN_LAYER, { value: true });
  tf.serialization.registerClass(cls);
}
