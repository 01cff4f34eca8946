import { transposePerm } from '@skipconn/core';
import { defineTfKernel } from './kernel';
import { isIdentity, transposeIsReshape } from '../plan/perm';

/**
 * transpose composes three permutations into one: the input's storage, the op's own perm and the
 * output's storage. An NHWC -> NCHW transpose feeding a conv (which wants channels-last storage)
 * therefore moves no data at all.
 */
export const transposeKernel = defineTfKernel({
  op: 'transpose',
  placement: 'any',
  compile: ({ tf, node, attrs, inputPerms, inputShapes, outputShapes, outputPerms }) => {
    const ref = { node: node.spec.name, op: node.spec.op };
    const t = transposePerm(attrs, node.inputs[0]!.shape.length, ref);
    const inPerm = inputPerms[0]!;
    // Physical output axis i holds logical output axis outPerm[i], which is logical input axis
    // t[outPerm[i]], which sits at physical input axis inPerm.indexOf(that).
    const composed = outputPerms[0]!.map((a) => inPerm.indexOf(t[a]!));
    const shape = [...outputShapes[0]!];
    if (isIdentity(composed) || transposeIsReshape(inputShapes[0]!, composed)) {
      return { run: ([x]) => [tf.reshape(x!, shape)] };
    }
    return { run: ([x]) => [tf.transpose(x!, composed)] };
  },
});
