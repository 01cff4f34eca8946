/**
 * Readable builders for the skip architectures this project is about. Each adds one block to a
 * GraphBuilder (or another BlockBuilder) with seeded random weights (scaled by 1/sqrt(fan-in) so activations stay O(1))
 * and returns the block's output value. Used by the examples, the conformance cases and tests.
 */
import type { Attrs } from './graph/types';
import type { Layout } from './layout';
import { randomTensor } from './random';
import { tensor, type HostTensor } from './tensor';

export type ImageLayout = 'NCHW' | 'NHWC';

/**
 * What the builders need from a graph writer. GraphBuilder is one; the conformance case
 * generator is another, and declares seeded weights through `randomWeight` (its cases store
 * seeds, not numbers).
 */
export interface BlockBuilder {
  node(op: string, inputs: readonly string[], attrs?: Attrs, name?: string): string;
  weight(name: string, value: HostTensor): string;
  /**
   * Optional: a weight uniform in [low, high) that the writer seeds itself. Without it the
   * builders make the values with randomTensor, seeded from the weight's (or block's) name.
   */
  randomWeight?(name: string, shape: readonly number[], low: number, high: number): string;
}

/** Seeds derive from the block name, so renaming one block never changes another's weights. */
function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function uniform(b: BlockBuilder, name: string, shape: number[], low: number, high: number, seed = seedOf(name)): string {
  return b.randomWeight !== undefined ? b.randomWeight(name, shape, low, high) : b.weight(name, randomTensor(shape, seed, low, high));
}

function randomWeight(b: BlockBuilder, name: string, shape: number[], fanIn: number): string {
  const bound = 1 / Math.sqrt(Math.max(1, fanIn));
  return uniform(b, name, shape, -bound, bound);
}

/** conv2d, with a bias unless `bias: false` (a conv followed by batchNorm); square kernel k, explicit symmetric padding. */
export function conv(b: BlockBuilder, x: string, name: string, inC: number, outC: number, k: number, opts: { stride?: number; pad?: number; groups?: number; bias?: boolean } = {}): string {
  const groups = opts.groups ?? 1;
  const pad = opts.pad ?? 0;
  const inputs = [x, randomWeight(b, `${name}.weight`, [outC, inC / groups, k, k], (inC / groups) * k * k)];
  if (opts.bias !== false) inputs.push(randomWeight(b, `${name}.bias`, [outC], inC * k * k));
  const attrs: Record<string, unknown> = {};
  if (opts.stride !== undefined && opts.stride !== 1) attrs['strides'] = [opts.stride, opts.stride];
  if (pad !== 0) attrs['pads'] = [pad, pad, pad, pad];
  if (groups !== 1) attrs['groups'] = groups;
  return b.node('conv2d', inputs, attrs, name);
}

/** Inference batchNorm with seeded statistics (variance in [0.5, 1.5)). */
export function batchNorm(b: BlockBuilder, x: string, name: string, channels: number): string {
  const seed = seedOf(name);
  const scale = uniform(b, `${name}.weight`, [channels], 0.5, 1.5, seed);
  const bias = uniform(b, `${name}.bias`, [channels], -0.2, 0.2, seed + 1);
  const mean = uniform(b, `${name}.running_mean`, [channels], -0.2, 0.2, seed + 2);
  const variance = uniform(b, `${name}.running_var`, [channels], 0.5, 1.5, seed + 3);
  return b.node('batchNorm', [x, scale, bias, mean, variance], {}, name);
}

export function dense(b: BlockBuilder, x: string, name: string, inF: number, outF: number): string {
  const w = randomWeight(b, `${name}.weight`, [outF, inF], inF);
  const bias = randomWeight(b, `${name}.bias`, [outF], inF);
  return b.node('dense', [x, w, bias], {}, name);
}

export function layerNorm(b: BlockBuilder, x: string, name: string, width: number): string {
  const seed = seedOf(name);
  const scale = uniform(b, `${name}.weight`, [width], 0.8, 1.2, seed);
  const bias = uniform(b, `${name}.bias`, [width], -0.1, 0.1, seed + 1);
  return b.node('layerNorm', [x, scale, bias], { axis: -1, epsilon: 1e-5 }, name);
}

/** ResNet basic block (v1): conv3x3-bn-relu-conv3x3-bn, + shortcut, relu. Projection when shape changes. */
export function resnetBasicBlock(b: BlockBuilder, x: string, name: string, inC: number, outC: number, stride = 1): string {
  let h = b.node('relu', [batchNorm(b, conv(b, x, `${name}.conv1`, inC, outC, 3, { stride, pad: 1 }), `${name}.bn1`, outC)], {}, `${name}.relu1`);
  h = batchNorm(b, conv(b, h, `${name}.conv2`, outC, outC, 3, { pad: 1 }), `${name}.bn2`, outC);
  const shortcut = stride !== 1 || inC !== outC ? batchNorm(b, conv(b, x, `${name}.downsample.conv`, inC, outC, 1, { stride }), `${name}.downsample.bn`, outC) : x;
  return b.node('residual', [shortcut, h], { activation: 'relu' }, `${name}.add`);
}

/** ResNet bottleneck block: 1x1 reduce, 3x3 (stride), 1x1 expand to 4x width. */
export function resnetBottleneckBlock(b: BlockBuilder, x: string, name: string, inC: number, width: number, stride = 1): string {
  const outC = width * 4;
  let h = b.node('relu', [batchNorm(b, conv(b, x, `${name}.conv1`, inC, width, 1), `${name}.bn1`, width)], {}, `${name}.relu1`);
  h = b.node('relu', [batchNorm(b, conv(b, h, `${name}.conv2`, width, width, 3, { stride, pad: 1 }), `${name}.bn2`, width)], {}, `${name}.relu2`);
  h = batchNorm(b, conv(b, h, `${name}.conv3`, width, outC, 1), `${name}.bn3`, outC);
  const shortcut = stride !== 1 || inC !== outC ? batchNorm(b, conv(b, x, `${name}.downsample.conv`, inC, outC, 1, { stride }), `${name}.downsample.bn`, outC) : x;
  return b.node('residual', [shortcut, h], { activation: 'relu' }, `${name}.add`);
}

/** ReLU6 = clip(0, 6), as MobileNetV2 uses it. */
export function relu6(b: BlockBuilder, x: string, name: string): string {
  return b.node('clip', [x], { min: 0, max: 6 }, name);
}

/**
 * MobileNetV2 inverted residual (torchvision's InvertedResidual): 1x1 expand conv to
 * inC * expandRatio channels + bn + relu6 (left out when expandRatio is 1), 3x3 depthwise conv
 * (groups = channels, stride) + bn + relu6, 1x1 linear projection conv + bn (no activation);
 * + x with an identity shortcut when stride is 1 and inC == outC, otherwise no skip at all.
 * Convs have no bias (each is followed by batchNorm), as in torchvision.
 */
export function mobilenetV2Block(b: BlockBuilder, x: string, name: string, inC: number, outC: number, opts: { stride?: 1 | 2; expandRatio?: number } = {}): string {
  const stride = opts.stride ?? 1;
  const expandRatio = opts.expandRatio ?? 6;
  const hidden = Math.round(inC * expandRatio);
  let h = x;
  if (expandRatio !== 1) {
    h = relu6(b, batchNorm(b, conv(b, h, `${name}.expand`, inC, hidden, 1, { bias: false }), `${name}.expand.bn`, hidden), `${name}.expand.relu6`);
  }
  h = relu6(b, batchNorm(b, conv(b, h, `${name}.dw`, hidden, hidden, 3, { stride, pad: 1, groups: hidden, bias: false }), `${name}.dw.bn`, hidden), `${name}.dw.relu6`);
  h = batchNorm(b, conv(b, h, `${name}.project`, hidden, outC, 1, { bias: false }), `${name}.project.bn`, outC);
  return stride === 1 && inC === outC ? b.node('residual', [x, h], {}, `${name}.add`) : h;
}

/** DenseNet block: each layer bn-relu-conv3x3 on the concat of all earlier maps (growth channels). */
export function denseBlock(b: BlockBuilder, x: string, name: string, inC: number, growth: number, layers: number): string {
  const features = [x];
  let channels = inC;
  let joined = x;
  for (let i = 1; i <= layers; i++) {
    const l = `${name}.layer${i}`;
    const h = conv(b, b.node('relu', [batchNorm(b, joined, `${l}.norm`, channels)], {}, `${l}.relu`), `${l}.conv`, channels, growth, 3, { pad: 1 });
    features.push(h);
    channels += growth;
    joined = b.node('concat', [...features], {}, `${name}.concat${i}`);
  }
  return joined;
}

/** Highway layer: y = T*relu(W_h x) + (1-T)*x with T = sigmoid(W_t x), coupled carry. */
export function highwayLayer(b: BlockBuilder, x: string, name: string, width: number): string {
  const h = b.node('relu', [dense(b, x, `${name}.transform`, width, width)], {}, `${name}.relu`);
  const t = dense(b, x, `${name}.gate`, width, width);
  return b.node('highway', [x, h, t], { carry: 'coupled' }, `${name}.highway`);
}

/** Squeeze-and-excitation residual block: conv-bn-relu-conv-bn, SE gate on the body, + x, relu. */
export function seResidualBlock(b: BlockBuilder, x: string, name: string, channels: number, reduction: number): string {
  let h = b.node('relu', [batchNorm(b, conv(b, x, `${name}.conv1`, channels, channels, 3, { pad: 1 }), `${name}.bn1`, channels)], {}, `${name}.relu1`);
  h = batchNorm(b, conv(b, h, `${name}.conv2`, channels, channels, 3, { pad: 1 }), `${name}.bn2`, channels);
  // Squeeze to [N,C,1,1] (NCHW) or [N,1,1,C] (NHWC); excite with 1x1 convs so the layout is kept.
  const squeezed = b.node('globalAvgPool', [h], {}, `${name}.se.pool`);
  const hidden = Math.max(1, Math.floor(channels / reduction));
  const z = b.node('relu', [conv(b, squeezed, `${name}.se.fc1`, channels, hidden, 1)], {}, `${name}.se.relu`);
  const g = b.node('sigmoid', [conv(b, z, `${name}.se.fc2`, hidden, channels, 1)], {}, `${name}.se.sigmoid`);
  const gated = b.node('gate', [h, g], { broadcast: ['spatial'] }, `${name}.se.scale`);
  return b.node('residual', [x, gated], { activation: 'relu' }, `${name}.add`);
}

/**
 * Two-level U-Net with valid (unpadded) convolutions as in the original paper, so the encoder
 * map is larger than the decoder's and the skip concat center-crops it.
 */
export function unet2(b: BlockBuilder, x: string, name: string, inC: number, width: number): string {
  const twoConv = (v: string, n: string, cin: number, cout: number) => b.node('relu', [conv(b, b.node('relu', [conv(b, v, `${n}.conv1`, cin, cout, 3)], {}, `${n}.relu1`), `${n}.conv2`, cout, cout, 3)], {}, `${n}.relu2`);
  const e1 = twoConv(x, `${name}.enc1`, inC, width);
  const down = b.node('maxPool2d', [e1], { kernel: [2, 2], strides: [2, 2] }, `${name}.pool`);
  const bottom = twoConv(down, `${name}.bottom`, width, width * 2);
  const upW = randomWeight(b, `${name}.up.weight`, [width * 2, width, 2, 2], width * 2 * 4);
  const upB = randomWeight(b, `${name}.up.bias`, [width], width * 2 * 4);
  const up = b.node('convTranspose2d', [bottom, upW, upB], { strides: [2, 2] }, `${name}.up`);
  const skip = b.node('concat', [e1, up], { crop: 'center' }, `${name}.skip`);
  const d1 = twoConv(skip, `${name}.dec1`, width * 2, width);
  return conv(b, d1, `${name}.head`, width, 1, 1);
}

/** Multi-head self-attention from the vocabulary: dense, reshape, transpose, matmul, softmax. */
export function selfAttention(b: BlockBuilder, x: string, name: string, batch: number, tokens: number, width: number, heads: number): string {
  const d = width / heads;
  const split = (v: string, n: string, perm: number[]) => b.node('transpose', [b.node('reshape', [v], { shape: [batch, tokens, heads, d] }, `${n}.split`)], { perm }, `${n}.heads`);
  const q = split(dense(b, x, `${name}.q`, width, width), `${name}.q`, [0, 2, 1, 3]);
  const kT = split(dense(b, x, `${name}.k`, width, width), `${name}.k`, [0, 2, 3, 1]);
  const v = split(dense(b, x, `${name}.v`, width, width), `${name}.v`, [0, 2, 1, 3]);
  const scale = b.weight(`${name}.scale`, tensor('float32', [], [1 / Math.sqrt(d)]));
  const scores = b.node('mul', [b.node('matmul', [q, kT], {}, `${name}.scores`), scale], {}, `${name}.scaled`);
  const probs = b.node('softmax', [scores], { axis: -1 }, `${name}.softmax`);
  const ctx = b.node('transpose', [b.node('matmul', [probs, v], {}, `${name}.context`)], { perm: [0, 2, 1, 3] }, `${name}.merge`);
  const merged = b.node('reshape', [ctx], { shape: [batch, tokens, width], layout: 'NTC' }, `${name}.join`);
  return dense(b, merged, `${name}.out`, width, width);
}

function mlp(b: BlockBuilder, x: string, name: string, width: number): string {
  return dense(b, b.node('gelu', [dense(b, x, `${name}.fc1`, width, width * 2)], {}, `${name}.gelu`), `${name}.fc2`, width * 2, width);
}

/** Transformer encoder block; pre-LN normalizes inside each residual body, post-LN after each merge. */
export function transformerBlock(b: BlockBuilder, x: string, name: string, shape: { batch: number; tokens: number; width: number; heads: number }, norm: 'pre' | 'post'): string {
  const { batch, tokens, width, heads } = shape;
  if (norm === 'pre') {
    const a = b.node('residual', [x, selfAttention(b, layerNorm(b, x, `${name}.ln1`, width), `${name}.attn`, batch, tokens, width, heads)], {}, `${name}.add1`);
    return b.node('residual', [a, mlp(b, layerNorm(b, a, `${name}.ln2`, width), `${name}.mlp`, width)], {}, `${name}.add2`);
  }
  const a = layerNorm(b, b.node('residual', [x, selfAttention(b, x, `${name}.attn`, batch, tokens, width, heads)], {}, `${name}.add1`), `${name}.ln1`, width);
  return layerNorm(b, b.node('residual', [a, mlp(b, a, `${name}.mlp`, width)], {}, `${name}.add2`), `${name}.ln2`, width);
}

export type ResidualMlpForm = 'plain' | 'rezero' | 'layerscale' | 'deepnorm' | 'stochastic-train' | 'stochastic-test';

/** One residual MLP block in a given scaling form (ReZero, LayerScale, DeepNorm, stochastic depth). */
export function residualMlpBlock(b: BlockBuilder, x: string, name: string, width: number, form: ResidualMlpForm, depth = 1): string {
  const body = dense(b, b.node('gelu', [dense(b, x, `${name}.fc1`, width, width)], {}, `${name}.gelu`), `${name}.fc2`, width, width);
  switch (form) {
    case 'plain':
      return b.node('residual', [x, body], {}, `${name}.add`);
    case 'rezero': // alpha 1, beta a learned scalar (trained value; ReZero initialises it to 0)
      return b.node('residual', [x, body, b.weight(`${name}.alpha`, tensor('float32', [], [0.1]))], { beta: 'learned' }, `${name}.add`);
    case 'layerscale': // beta a learned per-channel vector (CaiT initialises it to 1e-5 .. 0.1)
      return b.node('residual', [x, body, b.weight(`${name}.gamma`, randomTensor([width], seedOf(`${name}.gamma`), 0.01, 0.2))], { beta: 'learned' }, `${name}.add`);
    case 'deepnorm': // DeepNet encoder: alpha = (2N)^(1/4) for N layers
      return b.node('residual', [x, body], { alpha: (2 * depth) ** 0.25 }, `${name}.add`);
    case 'stochastic-train':
      return b.node('residual', [x, body], { stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-train' } }, `${name}.add`);
    case 'stochastic-test':
      return b.node('residual', [x, body], { stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } }, `${name}.add`);
  }
}

export type { Layout };
