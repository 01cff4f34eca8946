/**
 * The activations, written once for the unary kernels and the residual merge's post-activation.
 * Each follows the reference formula (core reference/math.ts) in float32.
 */
import type { ActivationKind } from '@skipconn/core';
import type { Tensor, Tf } from '../../tf';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function applyActivation(tf: Tf, kind: ActivationKind, x: Tensor): Tensor {
  switch (kind) {
    case 'none':
      return x;
    case 'relu':
      return tf.relu(x);
    // 0.5 * x * (1 + erf(x / sqrt 2)). tf.erf exists on every backend (cpu and wasm checked; an
    // Abramowitz-Stegun approximation accurate to ~1.5e-7, below float32 tolerances).
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
    case 'gelu_tanh': {
      const inner = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    }
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    // x * sigmoid(x) rather than a fused op: -Infinity then gives NaN, as the reference does.
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
  }
}
