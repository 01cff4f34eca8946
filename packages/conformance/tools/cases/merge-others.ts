/** concat (2..5 inputs, crop), highway (coupled, separate) and gate (SE, tokens) cases. */
import type { Layout } from '@skipconn/core';
import { img, shapeId, values, type CaseDef, type Special } from '../lib';

function concatId(variant: string, layout: Layout, shapes: number[][], dtype?: string): string {
  return `merge/concat/${variant}/${layout}/${shapes.map(shapeId).join('+')}${dtype ? `/${dtype}` : ''}`;
}

function concatCase(variant: string, layout: Layout, shapes: number[][], opts: { crop?: boolean; dtype?: 'float16'; special?: Record<number, Special>; description?: string } = {}): CaseDef {
  return {
    id: concatId(variant, layout, shapes, opts.dtype),
    description: opts.description ?? `${shapes.length} inputs joined on the ${layout} channel axis${opts.crop ? ', earlier inputs center-cropped to the last' : ''}`,
    build: (g) => {
      const ins = shapes.map((s, i) => g.input(`x${i}`, s, { layout, dtype: opts.dtype, special: i === 0 ? opts.special : undefined }));
      g.output(g.node('concat', ins, opts.crop ? { crop: 'center' } : {}, 'y'));
    },
  };
}

export function concatCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const channels = [2, 3, 1, 4, 5];
  for (const layout of ['NCHW', 'NHWC'] as const) {
    for (let n = 2; n <= 5; n++) {
      cases.push(
        concatCase(
          `${n}in`,
          layout,
          channels.slice(0, n).map((c) => img(layout, 2, c, 3, 4)),
        ),
      );
    }
  }
  for (let n = 2; n <= 3; n++)
    cases.push(
      concatCase(
        `${n}in`,
        'NC',
        channels.slice(0, n).map((c) => [3, c]),
      ),
    );
  for (let n = 2; n <= 4; n++)
    cases.push(
      concatCase(
        `${n}in`,
        'NTC',
        channels.slice(0, n).map((c) => [2, 5, c]),
        { description: `${n} token feature sets joined on channels (NTC)` },
      ),
    );
  cases.push(
    concatCase(
      'densenet-growth',
      'NCHW',
      [
        [1, 8, 4, 4],
        [1, 4, 4, 4],
        [1, 4, 4, 4],
        [1, 4, 4, 4],
        [1, 4, 4, 4],
      ],
      { description: 'DenseNet: the block input and four growth maps' },
    ),
  );

  // center crop (U-Net): offset floor((in - out) / 2)
  for (const layout of ['NCHW', 'NHWC'] as const) {
    cases.push(concatCase('crop-even', layout, [img(layout, 1, 2, 8, 8), img(layout, 1, 3, 4, 4)], { crop: true }));
    cases.push(concatCase('crop-odd', layout, [img(layout, 1, 2, 7, 9), img(layout, 1, 3, 4, 4)], { crop: true, description: 'odd size differences: offsets floor(3/2) = 1 and floor(5/2) = 2' }));
    cases.push(concatCase('crop-3in', layout, [img(layout, 2, 2, 10, 10), img(layout, 2, 1, 7, 6), img(layout, 2, 3, 5, 5)], { crop: true }));
  }
  cases.push(
    concatCase(
      'crop-same-size',
      'NCHW',
      [
        [1, 2, 4, 4],
        [1, 3, 4, 4],
      ],
      { crop: true, description: 'crop with equal sizes is a plain concat' },
    ),
  );

  // zero-size and specials
  cases.push(
    concatCase(
      'zero-channels',
      'NCHW',
      [
        [1, 0, 3, 3],
        [1, 2, 3, 3],
      ],
      { description: 'an input with zero channels contributes nothing' },
    ),
  );
  cases.push(
    concatCase('zero-batch', 'NHWC', [
      [0, 3, 3, 2],
      [0, 3, 3, 1],
    ]),
  );
  cases.push(
    concatCase('zero-tokens', 'NTC', [
      [2, 0, 3],
      [2, 0, 2],
    ]),
  );
  cases.push(
    concatCase(
      'specials',
      'NHWC',
      [
        [1, 2, 2, 2],
        [1, 2, 2, 1],
      ],
      { special: { 0: 'NaN', 1: 'Infinity', 2: '-Infinity', 3: '-0', 4: 1e30, 5: -1e30 }, description: 'special values are copied unchanged' },
    ),
  );
  cases.push(
    concatCase(
      '2in',
      'NCHW',
      [
        [2, 2, 3, 4],
        [2, 3, 3, 4],
      ],
      { dtype: 'float16' },
    ),
  );

  cases.push({
    id: 'merge/concat/literal/NC/[2,2]+[2,1]',
    why: 'rows joined: [[1,2],[3,4]] ++ [[5],[6]] = [[1,2,5],[3,4,6]]',
    build: (g) => g.output(g.node('concat', [g.input('a', [2, 2], { layout: 'NC', values: [1, 2, 3, 4] }), g.input('b', [2, 1], { layout: 'NC', values: [5, 6] })], {}, 'y')),
    expected: values([1, 2, 5, 3, 4, 6]),
  });
  cases.push({
    id: 'merge/concat/literal/NHWC/[1,1,2,1]+[1,1,2,2]',
    why: 'NHWC channels are last, so each pixel interleaves: pixel 0 [1 | 10, 11], pixel 1 [2 | 20, 21]',
    build: (g) => g.output(g.node('concat', [g.input('a', [1, 1, 2, 1], { layout: 'NHWC', values: [1, 2] }), g.input('b', [1, 1, 2, 2], { layout: 'NHWC', values: [10, 11, 20, 21] })], {}, 'y')),
    expected: values([1, 10, 11, 2, 20, 21]),
  });
  cases.push({
    id: 'merge/concat/literal/NCHW/[1,1,2,1]+[1,2,2,1]',
    why: 'NCHW channels are planes: [a plane | b plane 0 | b plane 1] = [1,2, 10,20, 11,21]',
    build: (g) => g.output(g.node('concat', [g.input('a', [1, 1, 2, 1], { layout: 'NCHW', values: [1, 2] }), g.input('b', [1, 2, 2, 1], { layout: 'NCHW', values: [10, 20, 11, 21] })], {}, 'y')),
    expected: values([1, 2, 10, 20, 11, 21]),
  });
  cases.push({
    id: 'merge/concat/literal/crop/NCHW/[1,1,4,4]+[1,1,2,2]',
    why: 'a = 0..15 row-major 4x4, cropped to 2x2 at offset floor((4-2)/2) = 1: rows 1-2, cols 1-2 = [5,6,9,10]; then b = [100,101,102,103]',
    build: (g) =>
      g.output(
        g.node(
          'concat',
          [g.input('a', [1, 1, 4, 4], { layout: 'NCHW', values: Array.from({ length: 16 }, (_, i) => i) }), g.input('b', [1, 1, 2, 2], { layout: 'NCHW', values: [100, 101, 102, 103] })],
          { crop: 'center' },
          'y',
        ),
      ),
    expected: values([5, 6, 9, 10, 100, 101, 102, 103]),
  });
  cases.push({
    id: 'merge/concat/literal/crop-odd/NHWC/[1,3,3,1]+[1,2,2,1]',
    why: 'a = 0..8 as 3x3, offset floor((3-2)/2) = 0: rows 0-1, cols 0-1 = [0,1,3,4]; interleaved with b per pixel: [0,10, 1,11, 3,12, 4,13]',
    build: (g) =>
      g.output(
        g.node(
          'concat',
          [g.input('a', [1, 3, 3, 1], { layout: 'NHWC', values: Array.from({ length: 9 }, (_, i) => i) }), g.input('b', [1, 2, 2, 1], { layout: 'NHWC', values: [10, 11, 12, 13] })],
          { crop: 'center' },
          'y',
        ),
      ),
    expected: values([0, 10, 1, 11, 3, 12, 4, 13]),
  });
  return cases;
}

function highwayCase(
  carry: 'coupled' | 'separate',
  layout: Layout | 'none',
  shape: number[],
  opts: { variant?: string; t?: [number, number]; special?: Record<number, Special>; dtype?: 'float16'; description?: string } = {},
): CaseDef {
  const lay = layout === 'none' ? undefined : layout;
  return {
    id: `merge/highway/${opts.variant ?? carry}/${layout}/${shapeId(shape)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description ?? (carry === 'coupled' ? 'y = T*h + (1-T)*x, T = sigmoid(t)' : 'y = T*h + C*x, T = sigmoid(t), C = sigmoid(c)'),
    build: (g) => {
      const [low, high] = opts.t ?? [-4, 4];
      const ins = [
        g.input('x', shape, { layout: lay, dtype: opts.dtype, special: opts.special }),
        g.input('h', shape, { layout: lay, dtype: opts.dtype }),
        g.input('t', shape, { layout: lay, dtype: opts.dtype, low, high }),
      ];
      if (carry === 'separate') ins.push(g.input('c', shape, { layout: lay, dtype: opts.dtype, low, high }));
      g.output(g.node('highway', ins, { carry }, 'y'));
    },
  };
}

export function highwayCases(): CaseDef[] {
  const cases: CaseDef[] = [];
  const shapes: [Layout | 'none', number[]][] = [
    ['NC', [4, 6]],
    ['NTC', [2, 3, 6]],
    ['NCHW', [1, 3, 4, 4]],
    ['NHWC', [1, 4, 4, 3]],
    ['none', [5]],
    ['none', []],
  ];
  for (const carry of ['coupled', 'separate'] as const) {
    for (const [layout, shape] of shapes) cases.push(highwayCase(carry, layout, shape));
    cases.push(highwayCase(carry, 'NC', [0, 6]));
    cases.push(highwayCase(carry, 'NC', [4, 6], { variant: `${carry}-saturated`, t: [-1e30, 1e30], description: 'logits near +-1e30: T is exactly 0 or 1' }));
    cases.push(highwayCase(carry, 'NC', [2, 4], { variant: `${carry}-specials`, special: { 0: 'NaN', 1: '-0', 2: 1e30, 3: -1e30, 4: 'Infinity', 5: '-Infinity' } }));
  }
  cases.push(highwayCase('coupled', 'NC', [4, 6], { dtype: 'float16' }));
  cases.push({
    id: 'merge/highway/literal/coupled/NC/[1,3]',
    why: 't = 0 gives T = 0.5: y = 0.5*h + 0.5*x = [0.5*2+0.5*4, 0.5*(-2)+0.5*0, 0.5*1+0.5*1] = [3, -1, 1]',
    build: (g) =>
      g.output(
        g.node(
          'highway',
          [g.input('x', [1, 3], { layout: 'NC', values: [4, 0, 1] }), g.input('h', [1, 3], { layout: 'NC', values: [2, -2, 1] }), g.input('t', [1, 3], { layout: 'NC', values: [0, 0, 0] })],
          { carry: 'coupled' },
          'y',
        ),
      ),
    expected: values([3, -1, 1]),
  });
  cases.push({
    id: 'merge/highway/literal/separate/NC/[1,2]',
    why: 't = 0 (T = 0.5) and c = 0 (C = 0.5): y = 0.5*h + 0.5*x = [0.5*2 + 0.5*6, 0.5*(-4) + 0.5*2] = [4, -1]',
    build: (g) =>
      g.output(
        g.node(
          'highway',
          [
            g.input('x', [1, 2], { layout: 'NC', values: [6, 2] }),
            g.input('h', [1, 2], { layout: 'NC', values: [2, -4] }),
            g.input('t', [1, 2], { layout: 'NC', values: [0, 0] }),
            g.input('c', [1, 2], { layout: 'NC', values: [0, 0] }),
          ],
          { carry: 'separate' },
          'y',
        ),
      ),
    expected: values([4, -1]),
  });
  return cases;
}

function gateCase(
  variant: string,
  layout: Layout | 'none',
  x: number[],
  gShape: number[],
  broadcast: string[],
  opts: { special?: Record<number, Special>; gSpecial?: Record<number, Special>; dtype?: 'float16'; description?: string } = {},
): CaseDef {
  const lay = layout === 'none' ? undefined : layout;
  return {
    id: `merge/gate/${variant}/${layout}/${shapeId(x)}x${shapeId(gShape)}${opts.dtype ? `/${opts.dtype}` : ''}`,
    description: opts.description ?? `y = x * g, g broadcast over [${broadcast.join(', ')}]`,
    build: (g) => {
      const xi = g.input('x', x, { layout: lay, dtype: opts.dtype, special: opts.special });
      const gi = g.input('g', gShape, { dtype: opts.dtype, low: 0, high: 1, special: opts.gSpecial });
      g.output(g.node('gate', [xi, gi], broadcast.length ? { broadcast } : {}, 'y'));
    },
  };
}

export function gateCases(): CaseDef[] {
  return [
    gateCase('se', 'NCHW', [2, 4, 3, 5], [2, 4, 1, 1], ['spatial'], { description: 'squeeze-and-excitation: g [N,C,1,1] scales each channel plane' }),
    gateCase('se', 'NHWC', [2, 3, 5, 4], [2, 1, 1, 4], ['spatial'], { description: 'squeeze-and-excitation in NHWC: g [N,1,1,C]' }),
    gateCase('se', 'NCHW', [1, 16, 8, 8], [1, 16, 1, 1], ['spatial']),
    gateCase('se', 'NHWC', [1, 8, 8, 16], [1, 1, 1, 16], ['spatial']),
    gateCase('se-shared-batch', 'NCHW', [2, 4, 3, 3], [1, 4, 1, 1], ['batch', 'spatial'], { description: 'one g for the whole batch: broadcast over batch and spatial' }),
    gateCase('tokens', 'NTC', [2, 5, 6], [2, 1, 6], ['tokens'], { description: 'per-sequence channel gate broadcast over tokens' }),
    gateCase('token-scalar', 'NTC', [2, 5, 6], [2, 5, 1], ['channels'], { description: 'one gate value per token, broadcast over channels' }),
    gateCase('channels', 'NCHW', [2, 3, 4, 4], [2, 1, 4, 4], ['channels'], { description: 'spatial attention map broadcast over channels' }),
    gateCase('full', 'NCHW', [2, 3, 4, 5], [2, 3, 4, 5], [], { description: 'no broadcast: elementwise gate' }),
    gateCase('full', 'NC', [3, 8], [3, 8], []),
    gateCase('full', 'none', [7], [7], [], { description: 'rank 1 without layout' }),
    gateCase('full', 'none', [], [], [], { description: 'rank 0 without layout' }),
    gateCase('batch', 'NC', [3, 8], [1, 8], ['batch']),
    gateCase('declared-not-used', 'NCHW', [2, 3, 2, 2], [2, 3, 2, 2], ['spatial'], { description: 'a declared axis may also be full size' }),
    gateCase('zero-size', 'NCHW', [0, 4, 3, 3], [0, 4, 1, 1], ['spatial']),
    gateCase('zero-spatial', 'NHWC', [2, 0, 3, 4], [2, 1, 1, 4], ['spatial']),
    gateCase('specials', 'NCHW', [1, 2, 2, 2], [1, 2, 1, 1], ['spatial'], {
      special: { 0: 'NaN', 1: 'Infinity', 2: '-0', 3: 1e30, 4: 'Infinity' },
      gSpecial: { 1: 0 },
      description: 'Inf * 0 = NaN (channel 1 gate is 0), NaN propagates',
    }),
    gateCase('se', 'NCHW', [2, 4, 3, 5], [2, 4, 1, 1], ['spatial'], { dtype: 'float16' }),
    {
      id: 'merge/gate/literal/se/NCHW/[1,2,2,2]x[1,2,1,1]',
      why: 'g = [2, -1]: channel 0 (1,2,3,4) doubles to (2,4,6,8); channel 1 (5,6,7,8) negates',
      build: (g) => g.output(g.node('gate', [g.input('x', [1, 2, 2, 2], { layout: 'NCHW', values: [1, 2, 3, 4, 5, 6, 7, 8] }), g.input('g', [1, 2, 1, 1], { values: [2, -1] })], { broadcast: ['spatial'] }, 'y')),
      expected: values([2, 4, 6, 8, -5, -6, -7, -8]),
    },
    {
      id: 'merge/gate/literal/se/NHWC/[1,2,2,2]x[1,1,1,2]',
      why: 'NHWC: g = [2, -1] alternates along the flat data: [1*2, 2*-1, 3*2, 4*-1, 5*2, 6*-1, 7*2, 8*-1]',
      build: (g) => g.output(g.node('gate', [g.input('x', [1, 2, 2, 2], { layout: 'NHWC', values: [1, 2, 3, 4, 5, 6, 7, 8] }), g.input('g', [1, 1, 1, 2], { values: [2, -1] })], { broadcast: ['spatial'] }, 'y')),
      expected: values([2, -2, 6, -4, 10, -6, 14, -8]),
    },
  ];
}
