import { centerCropOffsets, channelAxis } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { physicalChannelAxis } from './impl/axes';
import { physicalShape } from '../plan/perm';

/**
 * concat on the channel axis of the layout, remapped to the physical axis of the node's storage.
 * crop 'center' slices every input but the last to the last input's spatial size (tf.slice with
 * the logical offsets permuted like the data).
 */
export const concatKernel = defineTfKernel({
  op: 'concat',
  placement: 'follow',
  compile: ({ tf, node, attrs, outputPerms }) => {
    const out = node.outputs[0]!;
    const perm = outputPerms[0]!;
    const logicalChannel = channelAxis(out.layout!);
    const crops = node.inputs.map((info) => {
      if (attrs.crop !== 'center') return undefined;
      const target = out.shape.map((d, a) => (a === logicalChannel ? info.shape[a]! : d));
      if (target.every((d, a) => d === info.shape[a])) return undefined;
      return { begin: physicalShape(centerCropOffsets(info.shape, target), perm), size: physicalShape(target, perm) };
    });
    const axis = physicalChannelAxis(out, perm);
    return {
      run: (inputs) => [
        tf.concat(
          inputs.map((x, i) => (crops[i] === undefined ? x : tf.slice(x, crops[i]!.begin, crops[i]!.size))),
          axis,
        ),
      ],
    };
  },
});
