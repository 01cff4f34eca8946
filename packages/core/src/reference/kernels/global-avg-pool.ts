/** globalAvgPool reference: the mean over H and W per (n, c); an empty spatial extent gives NaN (0/0). */
import { defineKernel, f64 } from '../kernel';
import { imageView } from '../image';

export const globalAvgPoolKernel = defineKernel({
  op: 'globalAvgPool',
  run([x], _attrs, node) {
    const layout = node.inputs[0]!.layout!;
    const out = f64(node.outputs[0]!.shape);
    const X = imageView(x!.shape, layout);
    const Y = imageView(out.shape, layout);
    for (let n = 0; n < X.n; n++) {
      for (let c = 0; c < X.c; c++) {
        let sum = -0; // the exact additive identity: an all -0 plane averages to -0
        for (let h = 0; h < X.h; h++) for (let w = 0; w < X.w; w++) sum += x!.data[X.at(n, c, h, w)]!;
        out.data[Y.at(n, c, 0, 0)] = sum / (X.h * X.w);
      }
    }
    return [out];
  },
});
