/**
 * Composite skip blocks as small graphs with seeded weights (uniform +-1/sqrt(fan-in), batchNorm
 * statistics near identity), so activations stay O(1) and error growth with depth is visible.
 */
import { blocks as coreBlocks, type Layout } from '@skipconn/core';
import { img, type CaseDef, type G } from '../lib';

/**
 * A core block builder (packages/core/src/blocks.ts) writing into a case: its weights become
 * seeded specs of the same ranges (the case stores seeds, not numbers).
 */
function coreWriter(g: G): coreBlocks.BlockBuilder {
  return {
    node: (op, inputs, attrs, name) => g.node(op, inputs, attrs, name),
    weight: (name, t) => g.literal(name, t.shape, Array.from(t.data as ArrayLike<number>), t.dtype),
    randomWeight: (name, shape, low, high) => g.weight(name, shape, { low, high }),
  };
}

function conv(g: G, x: string, name: string, inC: number, outC: number, k: number, o: { stride?: number; pad?: number; groups?: number; bias?: boolean } = {}): string {
  const groups = o.groups ?? 1;
  const fanIn = (inC / groups) * k * k;
  const ins = [x, g.param(`${name}.weight`, [outC, inC / groups, k, k], fanIn)];
  if (o.bias !== false) ins.push(g.param(`${name}.bias`, [outC], fanIn));
  const attrs: Record<string, unknown> = {};
  if (o.stride && o.stride !== 1) attrs['strides'] = [o.stride, o.stride];
  if (o.pad) attrs['pads'] = [o.pad, o.pad, o.pad, o.pad];
  if (groups !== 1) attrs['groups'] = groups;
  return g.node('conv2d', ins, attrs, name);
}

function bn(g: G, x: string, name: string, c: number): string {
  return g.node(
    'batchNorm',
    [
      x,
      g.weight(`${name}.weight`, [c], { low: 0.5, high: 1.5 }),
      g.weight(`${name}.bias`, [c], { low: -0.2, high: 0.2 }),
      g.weight(`${name}.running_mean`, [c], { low: -0.2, high: 0.2 }),
      g.weight(`${name}.running_var`, [c], { low: 0.5, high: 1.5 }),
    ],
    {},
    name,
  );
}

function dense(g: G, x: string, name: string, inF: number, outF: number): string {
  return g.node('dense', [x, g.param(`${name}.weight`, [outF, inF], inF), g.param(`${name}.bias`, [outF], inF)], {}, name);
}

function ln(g: G, x: string, name: string, width: number): string {
  return g.node('layerNorm', [x, g.weight(`${name}.weight`, [width], { low: 0.8, high: 1.2 }), g.weight(`${name}.bias`, [width], { low: -0.1, high: 0.1 })], { axis: -1 }, name);
}

const relu = (g: G, x: string, name: string) => g.node('relu', [x], {}, name);

function resnetBasic(g: G, x: string, name: string, inC: number, outC: number, stride: number): string {
  let h = relu(g, bn(g, conv(g, x, `${name}.conv1`, inC, outC, 3, { stride, pad: 1, bias: false }), `${name}.bn1`, outC), `${name}.relu1`);
  h = bn(g, conv(g, h, `${name}.conv2`, outC, outC, 3, { pad: 1, bias: false }), `${name}.bn2`, outC);
  const shortcut = stride !== 1 || inC !== outC ? bn(g, conv(g, x, `${name}.downsample.0`, inC, outC, 1, { stride, bias: false }), `${name}.downsample.1`, outC) : x;
  return g.node('residual', [shortcut, h], { activation: 'relu' }, `${name}.add`);
}

function resnetBottleneck(g: G, x: string, name: string, inC: number, width: number, stride: number): string {
  const outC = width * 4;
  let h = relu(g, bn(g, conv(g, x, `${name}.conv1`, inC, width, 1, { bias: false }), `${name}.bn1`, width), `${name}.relu1`);
  h = relu(g, bn(g, conv(g, h, `${name}.conv2`, width, width, 3, { stride, pad: 1, bias: false }), `${name}.bn2`, width), `${name}.relu2`);
  h = bn(g, conv(g, h, `${name}.conv3`, width, outC, 1, { bias: false }), `${name}.bn3`, outC);
  const shortcut = stride !== 1 || inC !== outC ? bn(g, conv(g, x, `${name}.downsample.0`, inC, outC, 1, { stride, bias: false }), `${name}.downsample.1`, outC) : x;
  return g.node('residual', [shortcut, h], { activation: 'relu' }, `${name}.add`);
}

function denseBlock(g: G, x: string, name: string, inC: number, growth: number, layers: number): string {
  const features = [x];
  let channels = inC;
  let joined = x;
  for (let i = 1; i <= layers; i++) {
    const l = `${name}.layer${i}`;
    features.push(conv(g, relu(g, bn(g, joined, `${l}.norm`, channels), `${l}.relu`), `${l}.conv`, channels, growth, 3, { pad: 1, bias: false }));
    channels += growth;
    joined = g.node('concat', [...features], {}, `${name}.concat${i}`);
  }
  return joined;
}

function seResidual(g: G, x: string, name: string, c: number, reduction: number): string {
  let h = relu(g, bn(g, conv(g, x, `${name}.conv1`, c, c, 3, { pad: 1, bias: false }), `${name}.bn1`, c), `${name}.relu1`);
  h = bn(g, conv(g, h, `${name}.conv2`, c, c, 3, { pad: 1, bias: false }), `${name}.bn2`, c);
  const squeezed = g.node('globalAvgPool', [h], {}, `${name}.se.pool`);
  const hidden = Math.max(1, Math.floor(c / reduction));
  const z = relu(g, conv(g, squeezed, `${name}.se.fc1`, c, hidden, 1), `${name}.se.relu`);
  const gate = g.node('sigmoid', [conv(g, z, `${name}.se.fc2`, hidden, c, 1)], {}, `${name}.se.sigmoid`);
  const scaled = g.node('gate', [h, gate], { broadcast: ['spatial'] }, `${name}.se.scale`);
  return g.node('residual', [x, scaled], { activation: 'relu' }, `${name}.add`);
}

/** Original U-Net with two down-steps: valid convolutions, so each skip center-crops. */
function unet(g: G, x: string, inC: number, w: number): string {
  const twoConv = (v: string, n: string, cin: number, cout: number) => relu(g, conv(g, relu(g, conv(g, v, `${n}.conv1`, cin, cout, 3), `${n}.relu1`), `${n}.conv2`, cout, cout, 3), `${n}.relu2`);
  const up = (v: string, n: string, cin: number, cout: number) => g.node('convTranspose2d', [v, g.param(`${n}.weight`, [cin, cout, 2, 2], cin * 4), g.param(`${n}.bias`, [cout], cin * 4)], { strides: [2, 2] }, n);
  const e1 = twoConv(x, 'enc1', inC, w);
  const e2 = twoConv(g.node('maxPool2d', [e1], { kernel: [2, 2], strides: [2, 2] }, 'pool1'), 'enc2', w, 2 * w);
  const bottom = twoConv(g.node('maxPool2d', [e2], { kernel: [2, 2], strides: [2, 2] }, 'pool2'), 'bottom', 2 * w, 4 * w);
  const d2 = twoConv(g.node('concat', [e2, up(bottom, 'up2', 4 * w, 2 * w)], { crop: 'center' }, 'skip2'), 'dec2', 4 * w, 2 * w);
  const d1 = twoConv(g.node('concat', [e1, up(d2, 'up1', 2 * w, w)], { crop: 'center' }, 'skip1'), 'dec1', 2 * w, w);
  return conv(g, d1, 'head', w, 2, 1);
}

function attention(g: G, x: string, name: string, b: number, t: number, c: number, heads: number): string {
  const d = c / heads;
  const split = (v: string, n: string, perm: number[]) => g.node('transpose', [g.node('reshape', [v], { shape: [b, t, heads, d] }, `${n}.split`)], { perm }, `${n}.heads`);
  const q = split(dense(g, x, `${name}.q`, c, c), `${name}.q`, [0, 2, 1, 3]);
  const kT = split(dense(g, x, `${name}.k`, c, c), `${name}.k`, [0, 2, 3, 1]);
  const v = split(dense(g, x, `${name}.v`, c, c), `${name}.v`, [0, 2, 1, 3]);
  const scores = g.node('mul', [g.node('matmul', [q, kT], {}, `${name}.scores`), g.literal(`${name}.scale`, [], [1 / Math.sqrt(d)])], {}, `${name}.scaled`);
  const probs = g.node('softmax', [scores], { axis: -1 }, `${name}.softmax`);
  const ctx = g.node('transpose', [g.node('matmul', [probs, v], {}, `${name}.context`)], { perm: [0, 2, 1, 3] }, `${name}.merge`);
  return dense(g, g.node('reshape', [ctx], { shape: [b, t, c], layout: 'NTC' }, `${name}.join`), `${name}.out`, c, c);
}

function mlp(g: G, x: string, name: string, c: number, hidden: number): string {
  return dense(g, g.node('gelu', [dense(g, x, `${name}.fc1`, c, hidden)], {}, `${name}.gelu`), `${name}.fc2`, hidden, c);
}

function transformer(g: G, x: string, norm: 'pre' | 'post', b: number, t: number, c: number, heads: number): string {
  if (norm === 'pre') {
    const a = g.node('residual', [x, attention(g, ln(g, x, 'ln1', c), 'attn', b, t, c, heads)], {}, 'add1');
    return g.node('residual', [a, mlp(g, ln(g, a, 'ln2', c), 'mlp', c, 2 * c)], {}, 'add2');
  }
  const a = ln(g, g.node('residual', [x, attention(g, x, 'attn', b, t, c, heads)], {}, 'add1'), 'ln1', c);
  return ln(g, g.node('residual', [a, mlp(g, a, 'mlp', c, 2 * c)], {}, 'add2'), 'ln2', c);
}

type MlpForm = 'rezero' | 'layerscale' | 'deepnorm' | 'stochastic-depth-scale-at-train' | 'stochastic-depth-scale-at-test';

function residualMlp(g: G, x: string, name: string, c: number, form: MlpForm, blocks: number): string {
  const body = mlp(g, x, `${name}.mlp`, c, c);
  switch (form) {
    case 'rezero':
      return g.node('residual', [x, body, g.weight(`${name}.alpha`, [], { low: 0.05, high: 0.3 })], { beta: 'learned' }, `${name}.add`);
    case 'layerscale':
      return g.node('residual', [x, body, g.weight(`${name}.gamma`, [c], { low: 0.01, high: 0.2 })], { beta: 'learned' }, `${name}.add`);
    case 'deepnorm': // DeepNet: x_{l+1} = LN(alpha * x + f(x)), alpha = (2N)^(1/4)
      return ln(g, g.node('residual', [x, body], { alpha: (2 * blocks) ** 0.25 }, `${name}.add`), `${name}.ln`, c);
    case 'stochastic-depth-scale-at-train':
      return g.node('residual', [x, body], { stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-train' } }, `${name}.add`);
    case 'stochastic-depth-scale-at-test':
      return g.node('residual', [x, body], { stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } }, `${name}.add`);
  }
}

function block(id: string, description: string, layout: Layout, shape: number[], body: (g: G, x: string) => string): CaseDef {
  return {
    id,
    description,
    build: (g) => {
      const x = g.input('x', shape, { layout });
      const out = body(g, x);
      g.output(out);
    },
  };
}

export function blockCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  for (const L of ['NCHW', 'NHWC'] as const) {
    cases.push(block(`block/resnet-basic/identity/${L}`, 'ResNet basic block (conv-bn-relu-conv-bn + identity, relu)', L, img(L, 2, 8, 6, 6), (g, x) => resnetBasic(g, x, 'layer1.0', 8, 8, 1)));
    cases.push(block(`block/resnet-basic/projection/${L}`, 'ResNet basic block, stride 2 with a 1x1 conv + bn projection shortcut', L, img(L, 1, 4, 8, 8), (g, x) => resnetBasic(g, x, 'layer2.0', 4, 8, 2)));
    cases.push(block(`block/resnet-bottleneck/identity/${L}`, 'ResNet bottleneck (1x1 reduce, 3x3, 1x1 expand) with identity shortcut', L, img(L, 1, 16, 6, 6), (g, x) => resnetBottleneck(g, x, 'layer1.1', 16, 4, 1)));
    cases.push(block(`block/resnet-bottleneck/projection/${L}`, 'ResNet bottleneck, stride 2, projection shortcut to 4x width', L, img(L, 1, 8, 8, 8), (g, x) => resnetBottleneck(g, x, 'layer2.0', 8, 4, 2)));
    cases.push(
      block(`block/densenet/4-layers/${L}`, 'DenseNet block: 4 layers of bn-relu-conv3x3, each concatenating every earlier map (growth 4)', L, img(L, 1, 8, 5, 5), (g, x) => denseBlock(g, x, 'denseblock1', 8, 4, 4)),
    );
    cases.push(block(`block/se-residual/reduction4/${L}`, 'squeeze-and-excitation residual block: SE gate on the body, identity shortcut', L, img(L, 2, 8, 5, 5), (g, x) => seResidual(g, x, 'se1', 8, 4)));
    cases.push(block(`block/unet/2-level-crop/${L}`, 'original U-Net, two levels, valid convolutions and center-cropped concat skips', L, img(L, 1, 1, 44, 44), (g, x) => unet(g, x, 1, 2)));
  }
  for (const L of ['NCHW', 'NHWC'] as const) {
    // input spread +-8 so the relu6 clips at 6 as well as at 0
    cases.push({
      id: `block/mobilenetv2-inverted-residual/identity/${L}`,
      description: 'MobileNetV2 inverted residual: 1x1 expand (x6) + bn + relu6, 3x3 depthwise + bn + relu6, 1x1 project + bn, + x (stride 1, 8 -> 8 channels)',
      build: (g) => {
        const x = g.input('x', img(L, 1, 8, 6, 6), { layout: L, low: -8, high: 8 });
        g.output(coreBlocks.mobilenetV2Block(coreWriter(g), x, 'features.2', 8, 8));
      },
    });
  }
  // TF's relu6 as tensorflowjs_converter writes it: Relu, Minimum 6, Maximum 0, three activations
  // in a row after each conv (onnxruntime's Conv + activation fusion on JSEP kept only the last).
  cases.push({
    id: 'block/mobilenetv1-tf-relu6/depthwise-separable/NHWC',
    description:
      'a MobileNetV1 block as a tfjs GraphModel imports it (faceres): 3x3 depthwise conv, batch norm as a per-channel mul and add, relu6 as relu, clip max 6, clip min 0; then a 1x1 conv with bias and the same relu6 (8 -> 16 channels)',
    build: (g) => {
      const x = g.input('x', img('NHWC', 1, 8, 6, 6), { layout: 'NHWC', low: -8, high: 8 });
      const relu6 = (h: string, name: string): string => g.node('clip', [g.node('clip', [relu(g, h, `${name}/Relu`)], { max: 6 }, `${name}/clip_by_value/Minimum`)], { min: 0 }, `${name}/clip_by_value`);
      const dw = conv(g, x, 'conv_dw_1', 8, 8, 3, { pad: 1, groups: 8, bias: false });
      const scaled = g.node('mul', [dw, g.weight('conv_dw_1_bn.mul', [8], { low: 0.5, high: 2 })], {}, 'conv_dw_1_bn/mul_1');
      const shifted = g.node('add', [scaled, g.weight('conv_dw_1_bn.sub', [8], { low: -0.5, high: 0.5 })], {}, 'conv_dw_1_bn/add_1');
      // Weights of +-1 (not +-1/sqrt(8)) so that the 1x1 conv also passes 6 in places.
      const pw = g.node('conv2d', [relu6(shifted, 'conv_dw_1_relu'), g.weight('conv_pw_1.weight', [16, 8, 1, 1], { low: -1, high: 1 }), g.weight('conv_pw_1.bias', [16], { low: -0.5, high: 0.5 })], {}, 'conv_pw_1');
      g.output(relu6(pw, 'conv_pw_1_relu'));
    },
  });
  // The rows a detector decodes (centernet): topK's scores and its indices as a float column.
  // On onnxruntime-web's WebGPU EP topK runs on the CPU EP, and both outputs were uploaded into one
  // reused buffer while the cast of the first was still pending (docs/onnxruntime-web.md).
  cases.push({
    id: 'block/centernet-decoding/topk-columns/NTC',
    description: 'the 100 best of 5000 scores and their indices cast to float32, each reshaped to a [1, 100, 1] column and concatenated into [1, 100, 2] rows (score, index)',
    build: (g) => {
      const x = g.input('x', [1, 5000], { low: 0, high: 1 });
      const [scores, indices] = g.nodeOutputs('topK', [x], { k: 100 }, 'top', ['values', 'indices']) as [string, string];
      const column = (v: string, name: string): string => g.node('reshape', [v], { shape: [1, 100, 1], layout: 'NTC' }, name);
      g.output(g.node('concat', [column(scores, 'scores'), g.node('cast', [column(indices, 'indices')], { to: 'float32' }, 'index_column')], {}, 'detections'));
    },
  });
  cases.push({
    id: 'block/mobilenetv2-inverted-residual/stage-stride2/NCHW',
    description:
      "a MobileNetV2 stage: a stride-2 block 4 -> 8 (no skip: the shapes change), then a stride-1 block 8 -> 8 with the identity residual; in front, a block like the first of torchvision's MobileNetV2 (expand ratio 1: no expand conv; 4 -> 4 channels, so it has the identity residual too, as at width 0.25)",
    build: (g) => {
      const w = coreWriter(g);
      const x = g.input('x', img('NCHW', 2, 4, 7, 7), { layout: 'NCHW', low: -8, high: 8 });
      let h = coreBlocks.mobilenetV2Block(w, x, 'features.1', 4, 4, { expandRatio: 1 });
      h = coreBlocks.mobilenetV2Block(w, h, 'features.2', 4, 8, { stride: 2, expandRatio: 6 });
      g.output(coreBlocks.mobilenetV2Block(w, h, 'features.3', 8, 8, { expandRatio: 6 }));
    },
  });
  cases.push(
    block('block/highway-mlp/3-layers-coupled/NC', 'highway MLP: 3 layers of y = T*relu(Wx) + (1-T)*x', 'NC', [4, 16], (g, x) => {
      let h = x;
      for (let i = 1; i <= 3; i++) h = g.node('highway', [h, relu(g, dense(g, h, `hw${i}.transform`, 16, 16), `hw${i}.relu`), dense(g, h, `hw${i}.gate`, 16, 16)], { carry: 'coupled' }, `hw${i}`);
      return h;
    }),
  );
  cases.push(
    block('block/highway-mlp/3-layers-separate/NTC', 'highway MLP with separate carry gates, on tokens', 'NTC', [2, 3, 16], (g, x) => {
      let h = x;
      for (let i = 1; i <= 3; i++) {
        h = g.node('highway', [h, g.node('tanh', [dense(g, h, `hw${i}.transform`, 16, 16)], {}, `hw${i}.tanh`), dense(g, h, `hw${i}.gate`, 16, 16), dense(g, h, `hw${i}.carry`, 16, 16)], { carry: 'separate' }, `hw${i}`);
      }
      return h;
    }),
  );
  cases.push(
    block('block/transformer/pre-LN/NTC', 'transformer encoder block, pre-LN: x + attn(LN(x)), then + mlp(LN(.)); 2 heads built from dense, reshape, transpose, matmul, mul and softmax', 'NTC', [2, 5, 16], (g, x) =>
      transformer(g, x, 'pre', 2, 5, 16, 2),
    ),
  );
  cases.push(block('block/transformer/post-LN/NTC', 'transformer encoder block, post-LN: LN(x + attn(x)), then LN(. + mlp(.))', 'NTC', [2, 5, 16], (g, x) => transformer(g, x, 'post', 2, 5, 16, 2)));
  const forms: [MlpForm, string][] = [
    ['rezero', 'ReZero residual MLP, 3 blocks: x + alpha * f(x), alpha a learned scalar'],
    ['layerscale', 'LayerScale residual MLP, 3 blocks: x + gamma * f(x), gamma per channel'],
    ['deepnorm', 'DeepNorm residual MLP, 3 blocks: LN(alpha * x + f(x)), alpha = (2N)^(1/4)'],
    ['stochastic-depth-scale-at-train', 'stochastic depth p = 0.8 at inference, timm DropPath convention (body unscaled), 3 blocks'],
    ['stochastic-depth-scale-at-test', 'stochastic depth p = 0.8 at inference, Huang et al. convention (body * p), 3 blocks'],
  ];
  for (const [form, description] of forms) {
    cases.push(
      block(`block/residual-mlp/${form}/NTC`, description, 'NTC', [2, 4, 16], (g, x) => {
        let h = x;
        for (let i = 1; i <= 3; i++) h = residualMlp(g, h, `blocks.${i}`, 16, form, 3);
        return h;
      }),
    );
  }
  cases.push(
    block('block/deep-residual-stack/20-blocks/NC', '20 residual blocks x + dense(relu(dense(x))): the longest path has 80 nodes, so error growth with depth shows', 'NC', [4, 16], (g, x) => {
      let h = x;
      for (let i = 1; i <= 20; i++) h = g.node('residual', [h, dense(g, relu(g, dense(g, h, `b${i}.fc1`, 16, 16), `b${i}.relu`), `b${i}.fc2`, 16, 16)], {}, `b${i}.add`);
      return h;
    }),
  );
  return cases;
}
