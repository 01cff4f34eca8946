import { defineTfKernel } from './kernel';
import { physicalSpatialAxes } from './impl/axes';

/**
 * globalAvgPool: mean over the physical H and W axes, kept as size 1, on any storage. An empty
 * spatial extent gives NaN (the mean of nothing) explicitly: tfjs returns 0 on cpu and garbage
 * on wasm there.
 */
export const globalAvgPoolKernel = defineTfKernel({
  op: 'globalAvgPool',
  placement: 'follow',
  compile: ({ tf, node, inputPerms, outputShapes }) => {
    const x = node.inputs[0]!;
    const axes = physicalSpatialAxes(x, inputPerms[0]!);
    const empty = axes.some((a) => x.shape[inputPerms[0]![a]!] === 0);
    const outShape = [...outputShapes[0]!];
    return { run: ([input]) => [empty ? tf.fill(outShape, NaN) : tf.mean(input!, axes, true)] };
  },
});
