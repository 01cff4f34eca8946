import { SkipconnError } from '../../errors';
import { formatShape, sizeOf, stridesOf } from '../../tensor';
import { defineKernel, f64 } from '../kernel';

/**
 * Each coordinate (the last axis of indices) is checked against x's axes, then the slice it
 * names is copied; an out-of-range coordinate is undefined in the IR, so the reference refuses it.
 */
export const gatherNdKernel = defineKernel({
  op: 'gatherNd',
  run([x, indices], _attrs, node) {
    const k = indices!.shape[indices!.shape.length - 1]!;
    const count = sizeOf(indices!.shape.slice(0, -1));
    const slice = sizeOf(x!.shape.slice(k));
    const strides = stridesOf(x!.shape);
    const out = f64(node.outputs[0]!.shape);
    for (let i = 0; i < count; i++) {
      let offset = 0;
      for (let a = 0; a < k; a++) {
        const c = indices!.data[i * k + a]!;
        const size = x!.shape[a]!;
        if (c < 0 || c >= size) {
          const coord = Array.from(indices!.data.subarray(i * k, (i + 1) * k));
          throw new SkipconnError(
            'INPUT_INVALID',
            `${node.spec.name} (gatherNd): coordinate [${coord.join(', ')}] (entry ${i} of indices) is outside x ${formatShape(x!.shape)}: expected index ${a} in [0, ${size - 1}], received ${c}`,
          );
        }
        offset += c * strides[a]!;
      }
      out.data.set(x!.data.subarray(offset, offset + slice), i * slice);
    }
    return [out];
  },
});
