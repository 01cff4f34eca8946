import { defineTfKernel } from './kernel';
import { sizeOf } from '@skipconn/core';

/**
 * dense: y = x @ w^T + b on the last logical axis. tf.matMul with transposeB reads w [out, in]
 * as is, so nothing is re-laid at compile time. x is flattened to 2-D with static sizes. An empty
 * contraction (in = 0) gives b (or 0) explicitly: wasm's matMul returns garbage there.
 */
export const denseKernel = defineTfKernel({
  op: 'dense',
  placement: 'logical',
  compile: ({ tf, node, outputShapes }) => {
    const x = node.inputs[0]!;
    const inFeatures = x.shape[x.shape.length - 1]!;
    const rows = sizeOf(x.shape.slice(0, -1));
    const outShape = [...outputShapes[0]!];
    const outFeatures = node.inputs[1]!.shape[0]!;
    return {
      run: ([input, w, b]) => {
        let y = inFeatures === 0 || rows === 0 || outFeatures === 0 ? tf.zeros(outShape) : tf.reshape(tf.matMul(tf.reshape(input!, [rows, inFeatures]), w!, false, true), outShape);
        if (b !== undefined) y = tf.add(y, b);
        return [y];
      },
    };
  },
});
