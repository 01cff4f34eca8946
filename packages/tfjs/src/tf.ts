/**
 * The tfjs API as a value passed around, never imported at module load: each adapter resolves
 * its own tfjs instance in init() (tfjs-core for the pure backends, the namespace exported by
 * @tensorflow/tfjs-node for the native one), so importing @skipconn/tfjs needs no peer installed
 * and a second copy of tfjs-core can never split kernels and backends across instances.
 */
import type * as tfc from '@tensorflow/tfjs-core';

/** The tfjs-core namespace (tfjs-node's export is a superset). */
export type Tf = typeof tfc;
export type Tensor = tfc.Tensor;
export type Tensor4D = tfc.Tensor4D;
