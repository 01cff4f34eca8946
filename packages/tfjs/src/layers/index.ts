/**
 * Skip-connection layers for TensorFlow.js users, one per merge kind of the IR. Importing this
 * module registers them with tf.serialization, so models using them save with model.save and load
 * with tf.loadLayersModel. Needs @tensorflow/tfjs-layers (an optional peer of @skipconn/tfjs).
 *
 *   import { skipResidual } from '@skipconn/tfjs/layers';
 *   const y = skipResidual({ beta: 'learned', scaleShape: 'channel', betaInit: 1e-5 }).apply([x, h]);
 */
import { SkipResidual, type SkipResidualArgs } from './residual';
import { SkipConcat, type SkipConcatArgs } from './concat';
import { SkipHighway, type SkipHighwayArgs } from './highway';
import { SkipGate, type SkipGateArgs } from './gate';
import { SkipOp, opLayerNode, type SkipOpArgs, type SkipOpInput } from './op';
import { registerLayerClass } from './register';

export { SkipResidual, SkipConcat, SkipHighway, SkipGate, SkipOp, opLayerNode };
export type { SkipResidualArgs, SkipConcatArgs, SkipHighwayArgs, SkipGateArgs, SkipOpArgs, SkipOpInput };

/** Every skip layer class, as registered for serialization. */
export const SKIP_LAYERS = [SkipResidual, SkipConcat, SkipHighway, SkipGate] as const;

/**
 * Every class this module registers: the skip layers, and SkipconnOp, which LayersModels exported
 * by skipconn use for the few ops Keras has no exact layer for.
 */
export const REGISTERED_LAYERS = [...SKIP_LAYERS, SkipOp] as const;

for (const cls of REGISTERED_LAYERS) registerLayerClass(cls);

export const skipResidual = (args?: SkipResidualArgs): SkipResidual => new SkipResidual(args);
export const skipConcat = (args?: SkipConcatArgs): SkipConcat => new SkipConcat(args);
export const skipHighway = (args?: SkipHighwayArgs): SkipHighway => new SkipHighway(args);
export const skipGate = (args?: SkipGateArgs): SkipGate => new SkipGate(args);
