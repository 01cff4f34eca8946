import { defineKernel, f64 } from '../kernel';
import { normalizeAxis } from '../../ops/shape';

/** Each row (the trailing axes from `axis`) is normalized with its own mean and biased variance. */
export const layerNormKernel = defineKernel({
  op: 'layerNorm',
  run([x, scale, bias], attrs, node) {
    const axis = normalizeAxis(attrs.axis, x!.shape.length, { node: node.spec.name, op: 'layerNorm' });
    let rows = 1;
    for (const d of x!.shape.slice(0, axis)) rows *= d;
    let count = 1;
    for (const d of x!.shape.slice(axis)) count *= d;
    const out = f64(x!.shape);
    for (let r = 0; r < rows; r++) {
      const base = r * count;
      // Two passes (mean, then squared deviations): no cancellation for large offsets.
      let sum = 0;
      for (let i = 0; i < count; i++) sum += x!.data[base + i]!;
      const mean = sum / count;
      let sq = 0;
      for (let i = 0; i < count; i++) sq += (x!.data[base + i]! - mean) ** 2;
      const denom = Math.sqrt(sq / count + attrs.epsilon);
      for (let i = 0; i < count; i++) {
        let y = (x!.data[base + i]! - mean) / denom;
        if (scale !== undefined) y *= scale.data[i]!;
        if (bias !== undefined) y += bias.data[i]!;
        out.data[base + i] = y;
      }
    }
    return [out];
  },
});
