import { matmulDims, shapesEqual } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { sizeOf } from '@skipconn/core';

/**
 * matmul with NumPy semantics, from core's matmulDims: rank-1 operands are promoted by reshape,
 * batch dims broadcast explicitly (tf.broadcastTo) when they differ, and the result is reshaped to
 * the validated output shape. K = 0 gives zeros explicitly (wasm returns garbage there).
 */
export const matmulKernel = defineTfKernel({
  op: 'matmul',
  placement: 'logical',
  compile: ({ tf, node, outputShapes }) => {
    const ref = { node: node.spec.name, op: node.spec.op };
    const d = matmulDims(node.inputs[0]!.shape, node.inputs[1]!.shape, ref);
    const outShape = [...outputShapes[0]!];
    const aShape = [...d.batch, d.m, d.k];
    const bShape = [...d.batch, d.k, d.n];
    const aPromoted = [...d.batchA, d.m, d.k];
    const bPromoted = [...d.batchB, d.k, d.n];
    const empty = d.k === 0 || sizeOf(outShape) === 0;
    return {
      run: ([a, b]) => {
        if (empty) return [tf.zeros(outShape)];
        let ta = tf.reshape(a!, aPromoted);
        let tb = tf.reshape(b!, bPromoted);
        if (!shapesEqual(aPromoted, aShape)) ta = tf.broadcastTo(ta, aShape);
        if (!shapesEqual(bPromoted, bShape)) tb = tf.broadcastTo(tb, bShape);
        return [tf.reshape(tf.matMul(ta, tb), outShape)];
      },
    };
  },
});
