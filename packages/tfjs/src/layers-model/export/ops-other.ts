/**
 * The non-image ops as Keras layers: activations, Softmax, Dense, LayerNormalization, Reshape /
 * Flatten / Permute, Add / Multiply / Rescaling, and the merges: as standard Keras layers where
 * one computes the merge exactly (Add, Concatenate, Multiply), else as the registered skip layers
 * (SkipconnResidual, SkipconnConcat, SkipconnHighway). Anything without an exact Keras
 * equivalent goes to the SkipconnOp fallback, with the reason recorded.
 */
import { clipAttrs, layoutAxes, resolveAxisName, resolveSoftmaxAxis, scaleForm, sliceWindow, transposePerm, windowAsAttrs, type ResidualAttrs } from '@skipconn/core';
import { isIdentity, physicalAxis, transposeIsReshape } from '../../plan/perm';
import { SKIP_LAYER_CLASSES } from '../format';
import { reshapeF32, transposeF32 } from '../host';
import type { KerasRef } from './builder';
import { physicalChannel, refOf, type AnyOpEmitter, type Emitter, type ExportContext } from './context';

const activation =
  (kind: string): AnyOpEmitter =>
  (ctx, p) =>
    ctx.keras.layer('Activation', p.node.spec.name, { activation: kind }, [refOf(ctx.inputs(p)[0]!, p.node, 'the input x')], p.outputShapes[0]!);

export const relu = activation('relu');
export const sigmoid = activation('sigmoid');
export const tanh = activation('tanh');
/** Keras 'swish' is x * sigmoid(x), the IR's silu. */
export const silu = activation('swish');

/**
 * hardSigmoid with ONNX's defaults (alpha 0.2, beta 0.5) is Keras' 'hard_sigmoid' activation,
 * which tfjs-layers computes as clipByValue(0.5 + 0.2 x, 0, 1); other slopes (PyTorch's 1/6) go to
 * SkipconnOp.
 */
export const hardSigmoid: Emitter<'hardSigmoid'> = (ctx, p) => {
  const { alpha, beta } = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  if (Math.fround(alpha) === Math.fround(0.2) && beta === 0.5) return ctx.keras.layer('Activation', p.node.spec.name, { activation: 'hard_sigmoid' }, [x], p.outputShapes[0]!);
  return ctx.nodeAsOpLayer(p, `hardSigmoid(alpha ${alpha}, beta ${beta}) (Keras' hard_sigmoid is alpha 0.2, beta 0.5 only)`, { alpha, beta });
};

/**
 * elu with alpha 1 is Keras' 'elu' activation (tfjs-layers runs tf.elu, and refuses any other
 * alpha there and in its ELU layer); other alphas go to SkipconnOp.
 */
export const elu: Emitter<'elu'> = (ctx, p) => {
  const { alpha } = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  if (alpha === 1) return ctx.keras.layer('Activation', p.node.spec.name, { activation: 'elu' }, [x], p.outputShapes[0]!);
  return ctx.nodeAsOpLayer(p, `elu(alpha ${alpha}) (tfjs-layers runs alpha 1 only)`, { alpha });
};

/** sqrt: Keras has no square-root layer or activation, so it is a SkipconnOp (tf.sqrt). */
export const sqrt: Emitter<'sqrt'> = (ctx, p) => ctx.nodeAsOpLayer(p, 'Keras has no sqrt layer or activation');

/**
 * cast, argMax, floorDiv and gatherNd are SkipconnOp layers: Keras has no layer for them (no cast
 * layer, no argmax, no integer division, no gather). They read or write int32 values, which the
 * export sends to SkipconnOp anyway (see INT32_REASON); a cast between float dtypes lands here.
 */
export const cast: Emitter<'cast'> = (ctx, p) => ctx.nodeAsOpLayer(p, 'Keras has no cast layer');
export const argMax: Emitter<'argMax'> = (ctx, p) => ctx.nodeAsOpLayer(p, 'Keras has no argmax layer');
export const floorDiv: Emitter<'floorDiv'> = (ctx, p) => ctx.nodeAsOpLayer(p, 'Keras has no integer division layer');
export const gatherNd: Emitter<'gatherNd'> = (ctx, p) => ctx.nodeAsOpLayer(p, 'Keras has no gather layer');
/** equal: Keras has no comparison layer; the SkipconnOp's 1 and 0 are in the operands' dtype, as the IR's. */
export const equal: Emitter<'equal'> = (ctx, p) => ctx.nodeAsOpLayer(p, 'Keras has no elementwise comparison layer');
/** topK: one SkipconnOp with two output tensors, the values and the int32 indices (tfjs-layers takes layers with several outputs). */
export const topK: Emitter<'topK'> = (ctx, p) => ctx.nodeAsOpLayerOutputs(p, 'Keras has no top-k layer');

/** clip(0, max) is Keras ReLU(max_value) (ReLU6 with max 6), clip(0, Infinity) is relu; other bounds go to SkipconnOp. */
export const clip: Emitter<'clip'> = (ctx, p) => {
  const a = p.node.attrs;
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  if (a.min === 0 && a.max === Infinity) return ctx.keras.layer('Activation', p.node.spec.name, { activation: 'relu' }, [x], p.outputShapes[0]!);
  if (a.min === 0 && a.max > 0) return ctx.keras.layer('ReLU', p.node.spec.name, { max_value: a.max }, [x], p.outputShapes[0]!);
  return ctx.nodeAsOpLayer(p, `clip(${a.min}, ${a.max}) (Keras clips with ReLU(max_value) from 0 only)`, clipAttrs(a.min, a.max));
};

export const gelu: Emitter<'gelu'> = (ctx, p) => {
  if (p.node.attrs.approximate === 'none') return activation('gelu')(ctx, p);
  // tfjs-layers defines 'gelu_new' (the tanh form) but cannot load it: its loader camel-cases the name.
  return ctx.nodeAsOpLayer(p, "tfjs-layers cannot load its own 'gelu_new' activation");
};

export const softmax: Emitter<'softmax'> = (ctx, p) => {
  const x = ctx.inputs(p)[0]!;
  const ref = { node: p.node.spec.name, op: p.node.spec.op };
  const axis = physicalAxis(p.outputPerms[0]!, resolveSoftmaxAxis(p.node.attrs, p.node.inputs[0]!, ref));
  const rank = p.outputShapes[0]!.length;
  if (axis === rank - 1 && rank >= 2) return ctx.keras.layer('Softmax', p.node.spec.name, { axis: -1 }, [refOf(x, p.node, 'the input x')], p.outputShapes[0]!);
  return ctx.nodeAsOpLayer(p, 'tfjs softmax runs on the last axis only', { axis });
};

export const dense: Emitter<'dense'> = (ctx, p) => {
  const [xIn, wIn, bIn] = ctx.inputs(p);
  const x = refOf(xIn!, p.node, 'the input x');
  if (x.shape.length < 2) return ctx.nodeAsOpLayer(p, 'a Keras Dense input has a batch axis');
  if (wIn!.constant === undefined || (bIn !== undefined && bIn.constant === undefined)) return ctx.nodeAsOpLayer(p, 'the weight or bias is computed, not a graph weight');
  const w = wIn!.constant;
  const weights = [{ name: 'kernel', value: transposeF32(w, [1, 0]) }, ...(bIn ? [{ name: 'bias', value: bIn.constant! }] : [])];
  return ctx.keras.layer('Dense', p.node.spec.name, { units: w.shape[0], activation: 'linear', use_bias: bIn !== undefined }, [x], p.outputShapes[0]!, weights);
};

export const matmul: Emitter<'matmul'> = (ctx, p) => {
  const [aIn, bIn] = ctx.inputs(p);
  // x @ W with W a [K, N] weight is a Dense layer without bias.
  if (aIn!.ref !== undefined && aIn!.ref.shape.length >= 2 && bIn!.constant !== undefined && bIn!.constant.shape.length === 2) {
    const w = bIn!.constant;
    return ctx.keras.layer('Dense', p.node.spec.name, { units: w.shape[1], activation: 'linear', use_bias: false }, [aIn!.ref], p.outputShapes[0]!, [{ name: 'kernel', value: w }]);
  }
  return ctx.nodeAsOpLayer(p, 'Keras has no layer for a matmul of two activations (Dot handles rank <= 3 only)');
};

export const layerNorm: Emitter<'layerNorm'> = (ctx, p) => {
  const a = p.node.attrs;
  const [xIn, scaleIn, biasIn] = ctx.inputs(p);
  const x = refOf(xIn!, p.node, 'the input x');
  const rank = x.shape.length;
  const axis = a.axis < 0 ? a.axis + rank : a.axis;
  if (scaleIn?.ref !== undefined || biasIn?.ref !== undefined) return ctx.nodeAsOpLayer(p, 'the scale or bias is computed, not a graph weight');
  const config = { axis: Array.from({ length: rank - axis }, (_, i) => axis + i), epsilon: a.epsilon, center: biasIn !== undefined, scale: scaleIn !== undefined };
  const weights = [...(scaleIn ? [{ name: 'gamma', value: scaleIn.constant! }] : []), ...(biasIn ? [{ name: 'beta', value: biasIn.constant! }] : [])];
  return ctx.keras.layer('LayerNormalization', p.node.spec.name, config, [x], p.outputShapes[0]!, weights);
};

/** reshape and flatten: Keras Reshape/Flatten keep the batch axis; anything else is a SkipconnOp. */
const reshapeLike: AnyOpEmitter = (ctx, p) => {
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  const out = p.outputShapes[0]!;
  if (out[0] !== x.shape[0] || out.length < 2) return ctx.nodeAsOpLayer(p, 'the batch axis changes (Keras Reshape keeps it)');
  if (p.node.spec.op === 'flatten' && out.length === 2 && x.shape.length >= 3 && ctx.keras.reshapeSource(x) === undefined) {
    const y = ctx.keras.layer('Flatten', p.node.spec.name, {}, [x], out);
    ctx.keras.markReshape(y, x);
    return y;
  }
  return ctx.keras.reshape(x, out, p.node.spec.name);
};
export const reshape = reshapeLike;
export const flatten = reshapeLike;

export const transpose: Emitter<'transpose'> = (ctx, p) => {
  const x = refOf(ctx.inputs(p)[0]!, p.node, 'the input x');
  const ref = { node: p.node.spec.name, op: p.node.spec.op };
  const t = transposePerm(p.node.attrs, p.node.inputs[0]!.shape.length, ref);
  const inPerm = p.inputPerms[0]!;
  // Physical output axis i is physical input axis composed[i] (input storage, op, output storage).
  const composed = p.outputPerms[0]!.map((a) => inPerm.indexOf(t[a]!));
  const out = p.outputShapes[0]!;
  if (isIdentity(composed)) return x;
  if (transposeIsReshape(x.shape, composed) && out[0] === x.shape[0]) return ctx.keras.reshape(x, out, p.node.spec.name);
  if (composed[0] === 0) return ctx.keras.layer('Permute', p.node.spec.name, { dims: composed.slice(1) }, [x], out);
  return ctx.opLayer(p.node.spec.name, 'transpose', { perm: composed }, [{ ref: x }], [{ shape: x.shape }], out, 'the transpose moves the batch axis');
};

/**
 * slice is always a SkipconnOp: Keras has no general slice layer (Cropping1D/2D/3D crop spatial
 * axes by unit steps only, and nothing crops channels or strides). The layer gets the resolved
 * window with its axes moved to the storage the value has here, so it slices the same elements.
 */
export const slice: Emitter<'slice'> = (ctx, p) => {
  const x = p.node.inputs[0]!;
  const window = sliceWindow(p.node.attrs, x.shape, { node: p.node.spec.name, op: p.node.spec.op });
  const attrs = windowAsAttrs(window, x.shape);
  const perm = p.inputPerms[0]!;
  return ctx.nodeAsOpLayer(p, 'Keras has no general slice layer (Cropping2D crops spatial axes by unit steps only)', { ...attrs, axes: attrs.axes.map((a) => physicalAxis(perm, a)) });
};

/** add, sub, mul, div: Add / Multiply for equal shapes, Rescaling for a scalar constant, else SkipconnOp. */
const binary =
  (op: 'add' | 'sub' | 'mul' | 'div'): AnyOpEmitter =>
  (ctx, p) => {
    const [a, b] = ctx.inputs(p) as [ReturnType<ExportContext['get']>, ReturnType<ExportContext['get']>];
    const out = p.outputShapes[0]!;
    const name = p.node.spec.name;
    if (a.ref !== undefined && b.ref !== undefined && a.ref.shape.join() === b.ref.shape.join()) {
      if (op === 'add') return ctx.keras.layer('Add', name, {}, [a.ref, b.ref], out);
      if (op === 'mul') return ctx.keras.layer('Multiply', name, {}, [a.ref, b.ref], out);
    }
    const scalar = (v: typeof a) => (v.constant !== undefined && v.constant.data.length === 1 && Number.isFinite(v.constant.data[0]!) ? v.constant.data[0]! : undefined);
    const rescale = (x: KerasRef, scale: number, offset: number) => ctx.keras.layer('Rescaling', name, { scale, offset }, [x], out);
    const [ca, cb] = [scalar(a), scalar(b)];
    // x*1 + c and x*c + 0 are exact; x / c as x * (1/c) would not be.
    if (a.ref !== undefined && cb !== undefined && a.ref.shape.join() === out.join()) {
      if (op === 'add') return rescale(a.ref, 1, cb);
      if (op === 'sub') return rescale(a.ref, 1, -cb);
      if (op === 'mul') return rescale(a.ref, cb, 0);
    }
    if (b.ref !== undefined && ca !== undefined && b.ref.shape.join() === out.join()) {
      if (op === 'add') return rescale(b.ref, 1, ca);
      if (op === 'sub') return rescale(b.ref, -1, ca);
      if (op === 'mul') return rescale(b.ref, ca, 0);
    }
    return ctx.nodeAsOpLayer(p, `${op} of these operands (broadcasting, a tensor constant, or no Keras layer for ${op})`);
  };
export const add = binary('add');
export const sub = binary('sub');
export const mul = binary('mul');
export const div = binary('div');

/**
 * Keras Activation names of the residual post-activations tfjs-layers computes as the IR does
 * (gelu_tanh is missing: tfjs-layers cannot load its own 'gelu_new').
 */
const KERAS_ACTIVATION: Readonly<Partial<Record<ResidualAttrs['activation'], string>>> = {
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  silu: 'swish',
  gelu: 'gelu',
};

export const residual: Emitter<'residual'> = (ctx, p) => {
  const a = p.node.attrs;
  const [shortcut, body, ...scales] = ctx.inputs(p);
  const out = p.node.outputs[0]!;
  const ref = { node: p.node.spec.name, op: p.node.spec.op };
  if (shortcut!.ref === undefined || body!.ref === undefined || scales.some((s) => s.constant === undefined)) {
    return ctx.nodeAsOpLayer(p, 'a path or a learned scale is a weight or computed where the skip layer wants an activation and weights');
  }
  // The plain residual (ResNet) is Keras Add, then Activation for a post-activation: the same
  // float32 additions as SkipconnResidual, and plain tfjs loads it. Scales and stochastic depth
  // stay in SkipconnResidual, whose config keeps them (training with fit, import back).
  const plain = a.alpha === 1 && a.beta === 1 && a.stochasticDepth === undefined;
  const activation = KERAS_ACTIVATION[a.activation];
  if (plain && (a.activation === 'none' || activation !== undefined)) {
    const sum = ctx.keras.layer('Add', p.node.spec.name, {}, [shortcut!.ref, body!.ref], p.outputShapes[0]!);
    if (activation === undefined) return sum;
    return ctx.keras.layer('Activation', `${p.node.spec.name}.${a.activation}`, { activation }, [sum], p.outputShapes[0]!);
  }
  const forms = p.node.inputs.slice(2).map((s, i) => scaleForm(s, out, i === 0 && a.alpha === 'learned' ? 'alpha' : 'beta', ref));
  if (new Set(forms).size > 1) return ctx.nodeAsOpLayer(p, 'one learned scale is a scalar and the other per channel (SkipconnResidual has one scaleShape)');
  const scaleShape = forms[0] ?? 'scalar';
  const config: Record<string, unknown> = {
    alpha: a.alpha,
    beta: a.beta,
    scale_shape: scaleShape,
    activation: a.activation,
    channel_axis: out.layout === undefined ? -1 : physicalChannel(p.node, p.outputPerms[0]!),
  };
  if (a.stochasticDepth !== undefined) config['stochastic_depth'] = { survival_prob: a.stochasticDepth.survivalProb, convention: a.stochasticDepth.convention };
  const names = [...(a.alpha === 'learned' ? ['alpha'] : []), ...(a.beta === 'learned' ? ['beta'] : [])];
  const weights = scales.map((s, i) => ({ name: names[i]!, value: scaleShape === 'scalar' ? reshapeF32(s.constant!, []) : s.constant! }));
  return ctx.keras.layer(SKIP_LAYER_CLASSES.residual, p.node.spec.name, config, [shortcut!.ref, body!.ref], p.outputShapes[0]!, weights);
};

export const concat: Emitter<'concat'> = (ctx, p) => {
  const inputs = ctx.inputs(p).map((i, k) => refOf(i, p.node, `input ${k}`));
  const axis = physicalChannel(p.node, p.outputPerms[0]!);
  const crop = p.node.attrs.crop;
  // Keras Concatenate joins without cropping; on the last axis (channels-last storage) it also
  // imports back as the concat merge. A center crop, or channels kept in front, stay SkipconnConcat.
  if (crop === 'none' && axis === p.outputShapes[0]!.length - 1) return ctx.keras.layer('Concatenate', p.node.spec.name, { axis: -1 }, inputs, p.outputShapes[0]!);
  return ctx.keras.layer(SKIP_LAYER_CLASSES.concat, p.node.spec.name, { axis, crop }, inputs, p.outputShapes[0]!);
};

export const highway: Emitter<'highway'> = (ctx, p) => {
  const inputs = ctx.inputs(p).map((i, k) => refOf(i, p.node, `input ${k}`));
  return ctx.keras.layer(SKIP_LAYER_CLASSES.highway, p.node.spec.name, { carry: p.node.attrs.carry }, inputs, p.outputShapes[0]!);
};

export const gate: Emitter<'gate'> = (ctx, p) => {
  const a = p.node.attrs;
  const [x, g] = ctx.inputs(p);
  const layout = p.node.inputs[0]!.layout;
  const logical = layout === undefined ? [] : a.broadcast.flatMap((name) => resolveAxisName(layout, name));
  if (x!.ref === undefined || g!.ref === undefined || (layout !== undefined && logical.includes(layoutAxes(layout).batch))) {
    return ctx.nodeAsOpLayer(p, 'the gate broadcasts over the batch axis or a path is a weight');
  }
  // Keras Multiply broadcasts size-1 axes (tf.mul), which is the gate's x * g once the validated
  // graph has checked that g is 1 exactly on the declared axes; it imports back as the gate.
  return ctx.keras.layer('Multiply', p.node.spec.name, {}, [x!.ref, g!.ref], p.outputShapes[0]!);
};
