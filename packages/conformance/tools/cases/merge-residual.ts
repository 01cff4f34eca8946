/** residual: y = act(alpha * shortcut + beta * body), every scale form, stochastic depth, specials. */
import type { Layout } from '@skipconn/core';
import { shapeId, values, channelsOf, type CaseDef, type Special } from '../lib';

const LAYOUT_SHAPES: readonly [Layout, number[]][] = [
  ['NCHW', [2, 3, 4, 5]],
  ['NHWC', [2, 4, 5, 3]],
  ['NC', [3, 8]],
  ['NTC', [2, 5, 8]],
];

type Attrs = Record<string, unknown>;

function residualCase(
  variant: string,
  layout: Layout | 'none',
  shape: number[],
  attrs: Attrs,
  opts: { alpha?: number[] | 'scalar'; beta?: number[] | 'scalar'; description?: string; dtype?: 'float16'; special?: { s?: Record<number, Special>; b?: Record<number, Special> }; range?: [number, number] } = {},
): CaseDef {
  const dtype = opts.dtype;
  return {
    id: `merge/residual/${variant}/${layout}/${shapeId(shape)}${dtype ? `/${dtype}` : ''}`,
    description: opts.description,
    build: (g) => {
      const lay = layout === 'none' ? undefined : layout;
      const [low, high] = opts.range ?? [-1, 1];
      const s = g.input('shortcut', shape, { layout: lay, dtype, special: opts.special?.s, low, high });
      const b = g.input('body', shape, { layout: lay, dtype, special: opts.special?.b, low, high });
      const scales: string[] = [];
      const scale = (name: 'alpha' | 'beta', form: number[] | 'scalar' | undefined) => {
        if (form === undefined) return;
        scales.push(g.weight(name, form === 'scalar' ? [] : form, { low: 0.05, high: 1.5, dtype }));
      };
      scale('alpha', opts.alpha);
      scale('beta', opts.beta);
      g.output(g.node('residual', [s, b, ...scales], attrs, 'y'));
    },
  };
}

export function residualCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  // plain (ResNet v2: no activation) in every layout, rank 0 and 1 without layout, zero-size dims
  for (const [layout, shape] of LAYOUT_SHAPES) cases.push(residualCase('plain', layout, shape, {}, { description: 'ResNet v2 style: y = shortcut + body' }));
  cases.push(residualCase('plain', 'none', [], {}, { description: 'rank 0: a scalar shortcut and body' }));
  cases.push(residualCase('plain', 'none', [7], {}, { description: 'rank 1, no layout' }));
  cases.push(residualCase('plain', 'none', [3, 4], {}, { description: 'rank 2, no layout' }));
  cases.push(residualCase('plain', 'NCHW', [0, 3, 4, 4], {}, { description: 'zero-size batch' }));
  cases.push(residualCase('plain', 'NHWC', [2, 0, 3, 4], {}, { description: 'zero-size spatial axis' }));
  cases.push(residualCase('plain', 'NTC', [2, 0, 8], {}, { description: 'zero tokens' }));

  // post-activation (ResNet v1 and friends)
  for (const act of ['relu', 'gelu', 'gelu_tanh', 'sigmoid', 'tanh', 'silu']) {
    cases.push(residualCase(`post-${act}`, 'NCHW', [2, 3, 4, 5], { activation: act }, { description: `y = ${act}(shortcut + body)`, range: [-3, 3] }));
  }
  cases.push(residualCase('post-relu', 'NHWC', [2, 4, 5, 3], { activation: 'relu' }, { description: 'ResNet v1: y = relu(shortcut + body), NHWC' }));
  cases.push(residualCase('post-relu', 'NTC', [2, 5, 8], { activation: 'relu' }));

  // ReZero: beta a learned scalar ([] or [1])
  cases.push(residualCase('rezero', 'NCHW', [2, 3, 4, 5], { beta: 'learned' }, { beta: 'scalar', description: 'ReZero: y = shortcut + beta * body, beta a learned scalar of shape []' }));
  cases.push(residualCase('rezero', 'NTC', [2, 5, 8], { beta: 'learned' }, { beta: [1], description: 'ReZero with beta of shape [1]' }));
  cases.push(residualCase('rezero', 'NC', [3, 8], { beta: 'learned' }, { beta: 'scalar' }));

  // LayerScale: beta per channel, on the layout's channel axis
  for (const [layout, shape] of LAYOUT_SHAPES) {
    cases.push(residualCase('layerscale', layout, shape, { beta: 'learned' }, { beta: [channelsOf(layout, shape)], description: `LayerScale: beta per channel on the ${layout} channel axis` }));
  }
  cases.push(residualCase('layerscale', 'NHWC', [2, 8, 8, 16], { beta: 'learned' }, { beta: [16] }));

  // DeepNorm: alpha a constant > 1; constants on both sides
  cases.push(residualCase('deepnorm', 'NTC', [2, 5, 8], { alpha: 2.449489742783178 }, { description: 'DeepNorm: alpha = (2N)^(1/4) for N = 18' }));
  cases.push(residualCase('deepnorm', 'NC', [3, 8], { alpha: 1.8612097182041991 }));
  cases.push(residualCase('constants', 'NCHW', [2, 3, 4, 5], { alpha: 0.5, beta: -1.25, activation: 'relu' }, { description: 'constant alpha and beta with relu' }));
  cases.push(
    residualCase(
      'learned-alpha-channel',
      'NCHW',
      [2, 3, 4, 5],
      { alpha: 'learned', beta: 'learned' },
      { alpha: [3], beta: 'scalar', description: 'alpha learned per channel, beta learned scalar (alpha is the first extra input)' },
    ),
  );
  cases.push(residualCase('learned-alpha-scalar', 'NHWC', [2, 4, 5, 3], { alpha: 'learned', beta: 'learned' }, { alpha: 'scalar', beta: [3] }));

  // stochastic depth at inference: scale-at-train passes the body unscaled, scale-at-test scales it by p
  for (const convention of ['scale-at-train', 'scale-at-test']) {
    for (const [layout, shape] of LAYOUT_SHAPES.slice(0, 2)) {
      cases.push(residualCase(`stochastic-depth-${convention}`, layout, shape, { stochasticDepth: { survivalProb: 0.8, convention } }, { description: `stochastic depth p = 0.8, ${convention}` }));
    }
    cases.push(residualCase(`stochastic-depth-${convention}-layerscale`, 'NTC', [2, 5, 8], { beta: 'learned', stochasticDepth: { survivalProb: 0.5, convention } }, { beta: [8] }));
    cases.push(residualCase(`stochastic-depth-${convention}-p1`, 'NC', [3, 8], { stochasticDepth: { survivalProb: 1, convention } }, { description: 'p = 1: both conventions equal the plain residual' }));
  }

  // special values
  cases.push(
    residualCase(
      'specials',
      'NCHW',
      [1, 2, 3, 3],
      {},
      {
        description: 'NaN, +-Infinity, -0 and 1e30 in shortcut and body: Inf + -Inf = NaN, NaN propagates',
        special: { s: { 0: 'NaN', 1: 'Infinity', 2: 'Infinity', 3: '-0', 4: 1e30, 5: -1e30, 6: '-Infinity' }, b: { 1: 1, 2: '-Infinity', 3: '-0', 4: 1, 5: 1e30, 7: 'NaN' } },
      },
    ),
  );
  cases.push(
    residualCase(
      'specials-post-relu',
      'NHWC',
      [1, 3, 3, 2],
      { activation: 'relu' },
      {
        description: 'relu(NaN) = NaN, relu(-Inf) = 0, relu(Inf) = Inf',
        special: { s: { 0: 'NaN', 1: '-Infinity', 2: 'Infinity', 3: '-0' }, b: { 3: '-0' } },
      },
    ),
  );
  cases.push(residualCase('large', 'NTC', [2, 3, 4], { alpha: 2 }, { description: 'magnitudes near 1e30 (still finite in float32)', range: [-1e30, 1e30] }));
  cases.push(residualCase('specials-layerscale', 'NCHW', [1, 2, 2, 2], { beta: 'learned' }, { beta: [2], special: { b: { 0: 'Infinity', 5: 'NaN' } } }));

  // float16
  cases.push(residualCase('plain', 'NCHW', [2, 3, 4, 5], {}, { dtype: 'float16', description: 'float16 data' }));
  cases.push(residualCase('layerscale', 'NTC', [2, 5, 8], { beta: 'learned' }, { dtype: 'float16', beta: [8] }));

  // hand-checked literals
  cases.push({
    id: 'merge/residual/literal/plain/NC/[2,2]',
    why: 'y = s + b: [1+10, 2+20, 3+30, 4+40]',
    build: (g) => g.output(g.node('residual', [g.input('s', [2, 2], { layout: 'NC', values: [1, 2, 3, 4] }), g.input('b', [2, 2], { layout: 'NC', values: [10, 20, 30, 40] })], {}, 'y')),
    expected: values([11, 22, 33, 44]),
  });
  cases.push({
    id: 'merge/residual/literal/constants-relu/NC/[1,4]',
    why: 'y = relu(2*s + 0.5*b): 2*1+0.5*2 = 3; 2*(-1)+0.5*2 = -1 -> 0; 2*0.25+0.5*(-4) = -1.5 -> 0; 2*3+0.5*(-2) = 5',
    build: (g) =>
      g.output(g.node('residual', [g.input('s', [1, 4], { layout: 'NC', values: [1, -1, 0.25, 3] }), g.input('b', [1, 4], { layout: 'NC', values: [2, 2, -4, -2] })], { alpha: 2, beta: 0.5, activation: 'relu' }, 'y')),
    expected: values([3, 0, 0, 5]),
  });
  cases.push({
    id: 'merge/residual/literal/layerscale/NCHW/[1,2,1,2]',
    why: 'beta = [0.5, -1] per channel: channel 0: s + 0.5*b = [1+0.5*4, 2+0.5*6] = [3, 5]; channel 1: s - b = [3-8, 4-10] = [-5, -6]',
    build: (g) => {
      const s = g.input('s', [1, 2, 1, 2], { layout: 'NCHW', values: [1, 2, 3, 4] });
      const b = g.input('b', [1, 2, 1, 2], { layout: 'NCHW', values: [4, 6, 8, 10] });
      g.output(g.node('residual', [s, b, g.literal('gamma', [2], [0.5, -1])], { beta: 'learned' }, 'y'));
    },
    expected: values([3, 5, -5, -6]),
  });
  cases.push({
    id: 'merge/residual/literal/layerscale/NHWC/[1,1,2,2]',
    why: 'NHWC puts channels last: beta = [0.5, -1] alternates along the flat data: [1+0.5*4, 2-6, 3+0.5*8, 4-10] = [3, -4, 7, -6]',
    build: (g) => {
      const s = g.input('s', [1, 1, 2, 2], { layout: 'NHWC', values: [1, 2, 3, 4] });
      const b = g.input('b', [1, 1, 2, 2], { layout: 'NHWC', values: [4, 6, 8, 10] });
      g.output(g.node('residual', [s, b, g.literal('gamma', [2], [0.5, -1])], { beta: 'learned' }, 'y'));
    },
    expected: values([3, -4, 7, -6]),
  });
  cases.push({
    id: 'merge/residual/literal/rezero-init/NTC/[1,2,2]',
    why: 'ReZero at initialisation: beta = 0, so y = shortcut exactly (0 * finite body = 0)',
    build: (g) => {
      const s = g.input('s', [1, 2, 2], { layout: 'NTC', values: [1.5, -2, 0.25, 8] });
      const b = g.input('b', [1, 2, 2], { layout: 'NTC', values: [100, -100, 3, 4] });
      g.output(g.node('residual', [s, b, g.literal('beta', [], [0])], { beta: 'learned' }, 'y'));
    },
    expected: values([1.5, -2, 0.25, 8]),
  });
  cases.push({
    id: 'merge/residual/literal/stochastic-depth-scale-at-test/NC/[1,3]',
    why: 'scale-at-test with p = 0.5: y = s + 0.5*b = [1+1, 2+2, 3+3]',
    build: (g) =>
      g.output(
        g.node(
          'residual',
          [g.input('s', [1, 3], { layout: 'NC', values: [1, 2, 3] }), g.input('b', [1, 3], { layout: 'NC', values: [2, 4, 6] })],
          { stochasticDepth: { survivalProb: 0.5, convention: 'scale-at-test' } },
          'y',
        ),
      ),
    expected: values([2, 4, 6]),
  });
  cases.push({
    id: 'merge/residual/literal/stochastic-depth-scale-at-train/NC/[1,3]',
    why: 'scale-at-train (timm DropPath) at inference: the body passes unscaled: y = s + b = [3, 6, 9]',
    build: (g) =>
      g.output(
        g.node(
          'residual',
          [g.input('s', [1, 3], { layout: 'NC', values: [1, 2, 3] }), g.input('b', [1, 3], { layout: 'NC', values: [2, 4, 6] })],
          { stochasticDepth: { survivalProb: 0.5, convention: 'scale-at-train' } },
          'y',
        ),
      ),
    expected: values([3, 6, 9]),
  });
  cases.push({
    id: 'merge/residual/literal/deepnorm/NC/[1,3]',
    why: 'DeepNorm alpha = 2: y = 2*s + b = [2*1+1, 2*(-1)+0.5, 2*0+(-3)] = [3, -1.5, -3]',
    build: (g) => g.output(g.node('residual', [g.input('s', [1, 3], { layout: 'NC', values: [1, -1, 0] }), g.input('b', [1, 3], { layout: 'NC', values: [1, 0.5, -3] })], { alpha: 2 }, 'y')),
    expected: values([3, -1.5, -3]),
  });
  cases.push({
    id: 'merge/residual/literal/specials/none/[6]',
    why: 'Inf + -Inf = NaN; NaN + 1 = NaN; Inf + 1 = Inf; -0 + -0 = -0 (compared as 0); 1e30 + 1 = 1e30 in float32; -Inf + -1 = -Inf',
    build: (g) => g.output(g.node('residual', [g.input('s', [6], { values: ['Infinity', 'NaN', 'Infinity', '-0', 1e30, '-Infinity'] }), g.input('b', [6], { values: ['-Infinity', 1, 1, '-0', 1, -1] })], {}, 'y')),
    expected: values(['NaN', 'NaN', 'Infinity', '-0', Math.fround(1e30), '-Infinity']),
  });
  return cases;
}
