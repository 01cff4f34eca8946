import { defineKernel, f64 } from '../kernel';
import { centerCropOffsets } from '../../ops/concat';
import { channelAxis } from '../../layout';
import { stridesOf } from '../../tensor';

/** Copies each (center-cropped) input into its slice of the channel axis. */
export const concatKernel = defineKernel({
  op: 'concat',
  run(inputs, attrs, node) {
    const outInfo = node.outputs[0]!;
    const axis = channelAxis(outInfo.layout!);
    const out = f64(outInfo.shape);
    const outStrides = stridesOf(outInfo.shape);
    const rank = outInfo.shape.length;
    let channelStart = 0;
    inputs.forEach((t) => {
      const target = outInfo.shape.map((d, a) => (a === axis ? t.shape[a]! : d));
      const offsets = attrs.crop === 'center' ? centerCropOffsets(t.shape, target) : new Array<number>(rank).fill(0);
      offsets[axis] = 0;
      const inStrides = stridesOf(t.shape);
      const targetStrides = stridesOf(target);
      let size = 1;
      for (const d of target) size *= d;
      for (let i = 0; i < size; i++) {
        let rem = i;
        let src = 0;
        let dst = 0;
        for (let a = 0; a < rank; a++) {
          const coord = Math.floor(rem / targetStrides[a]!);
          rem -= coord * targetStrides[a]!;
          src += (coord + offsets[a]!) * inStrides[a]!;
          dst += (a === axis ? coord + channelStart : coord) * outStrides[a]!;
        }
        out.data[dst] = t.data[src]!;
      }
      channelStart += t.shape[axis]!;
    });
    return [out];
  },
});
