/**
 * Merge ops (the skip connections): shape rules, errors and numerics on hand-computed cases.
 * Each expected value has its arithmetic next to it.
 */
import { GraphBuilder, GraphError, evaluateGraph, tensor, type HostTensor, type Layout } from '../src';

function run(b: GraphBuilder, feeds: Record<string, HostTensor>): number[] {
  const { validated, weights } = b.build();
  const out = evaluateGraph(validated, weights, feeds, { float64: true });
  return Array.from(out[validated.graph.outputs[0]!]!.data as Float64Array);
}

const f32 = (shape: number[], data: number[]) => tensor('float32', shape, data);

describe('residual', () => {
  it('adds shortcut and body (ResNet v2, no activation)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3]);
    const h = b.input('h', [1, 3]);
    b.output(b.node('residual', [x, h]));
    // [1,2,3] + [10,20,-30] = [11,22,-27]
    expect(run(b, { x: f32([1, 3], [1, 2, 3]), h: f32([1, 3], [10, 20, -30]) })).toEqual([11, 22, -27]);
  });

  it('applies the post-add relu of ResNet v1', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [3]);
    const h = b.input('h', [3]);
    b.output(b.node('residual', [x, h], { activation: 'relu' }));
    // relu([1-2, 2+0, -3+1]) = relu([-1, 2, -2]) = [0, 2, 0]
    expect(run(b, { x: f32([3], [1, 2, -3]), h: f32([3], [-2, 0, 1]) })).toEqual([0, 2, 0]);
  });

  it('DeepNorm: constant alpha scales the shortcut', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    const h = b.input('h', [2]);
    b.output(b.node('residual', [x, h], { alpha: 2.5 }));
    // 2.5*[1,2] + [1,1] = [3.5, 6]
    expect(run(b, { x: f32([2], [1, 2]), h: f32([2], [1, 1]) })).toEqual([3.5, 6]);
  });

  it('ReZero: learned scalar beta, initialised to 0, gives the identity', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    const h = b.input('h', [2]);
    const beta = b.weight('beta', f32([], [0]));
    b.output(b.node('residual', [x, h, beta], { beta: 'learned' }));
    // [4,5] + 0*[100,100] = [4,5]
    expect(run(b, { x: f32([2], [4, 5]), h: f32([2], [100, 100]) })).toEqual([4, 5]);
  });

  it.each<[Layout, number[], number[]]>([
    // x = zeros, body = ones, beta = [0.5, 2] per channel: out = beta on the channel axis
    ['NCHW', [1, 2, 1, 2], [0.5, 0.5, 2, 2]],
    ['NHWC', [1, 1, 2, 2], [0.5, 2, 0.5, 2]],
    ['NTC', [1, 2, 2], [0.5, 2, 0.5, 2]],
  ])('LayerScale: per-channel beta follows the channel axis of %s', (layout, shape, want) => {
    const b = new GraphBuilder();
    const x = b.input('x', shape, { layout });
    const h = b.input('h', shape, { layout });
    const beta = b.weight('gamma', f32([2], [0.5, 2]));
    b.output(b.node('residual', [x, h, beta], { beta: 'learned' }));
    expect(run(b, { x: f32(shape, [0, 0, 0, 0]), h: f32(shape, [1, 1, 1, 1]) })).toEqual(want);
  });

  it('learned alpha and beta come in that order', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1]);
    const h = b.input('h', [1]);
    b.output(b.node('residual', [x, h, b.weight('a', f32([1], [3])), b.weight('c', f32([1], [5]))], { alpha: 'learned', beta: 'learned' }));
    // 3*2 + 5*7 = 41
    expect(run(b, { x: f32([1], [2]), h: f32([1], [7]) })).toEqual([41]);
  });

  it.each([
    // scale-at-train (timm DropPath): inference body unscaled: 1 + 4 = 5
    ['scale-at-train', 5],
    // scale-at-test (Huang et al.): body * p: 1 + 0.75*4 = 4
    ['scale-at-test', 4],
  ])('stochastic depth %s', (convention, want) => {
    const b = new GraphBuilder();
    const x = b.input('x', [1]);
    const h = b.input('h', [1]);
    b.output(b.node('residual', [x, h], { stochasticDepth: { survivalProb: 0.75, convention } }));
    expect(run(b, { x: f32([1], [1]), h: f32([1], [4]) })).toEqual([want]);
  });

  it('keeps NaN, Inf and -0 by IEEE rules', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [4]);
    const h = b.input('h', [4]);
    b.output(b.node('residual', [x, h]));
    // NaN+1 = NaN; Inf+1 = Inf; Inf + -Inf = NaN; -0 + -0 = -0
    const got = run(b, { x: f32([4], [NaN, Infinity, Infinity, -0]), h: f32([4], [1, 1, -Infinity, -0]) });
    expect(got[0]).toBeNaN();
    expect(got[1]).toBe(Infinity);
    expect(got[2]).toBeNaN();
    expect(Object.is(got[3], -0)).toBe(true);
  });

  it('shape mismatch names both shapes and suggests a projection shortcut', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 64, 56, 56], { layout: 'NCHW' });
    const h = b.input('h', [1, 128, 28, 28], { layout: 'NCHW' });
    b.output(b.node('residual', [x, h], {}, 'block2.add'));
    expect(() => b.build()).toThrow(GraphError);
    expect(() => b.build()).toThrow(/node 'block2.add' \(residual\).*\[1,128,28,28\].*\[1,64,56,56\].*projection shortcut/);
  });

  it('rejects mixed layouts, wrong learned-scale shapes and counts, bad attributes', () => {
    const mk = (fn: (b: GraphBuilder) => void) => () => {
      const b = new GraphBuilder();
      fn(b);
      b.build();
    };
    expect(
      mk((b) => {
        b.output(b.node('residual', [b.input('x', [1, 2, 2, 2], { layout: 'NCHW' }), b.input('h', [1, 2, 2, 2], { layout: 'NHWC' })], {}, 'r'));
      }),
    ).toThrow(/layouts must be equal: expected body layout NCHW, received body layout NHWC/);
    expect(
      mk((b) => {
        const x = b.input('x', [1, 4], { layout: 'NC' });
        b.output(b.node('residual', [x, b.input('h', [1, 4], { layout: 'NC' }), b.weight('g', f32([3], [1, 1, 1]))], { beta: 'learned' }, 'r'));
      }),
    ).toThrow(/learned beta has the wrong shape: expected \[\] or \[1\] \(scalar\) or \[4\] \(per channel of layout NC\), received \[3\]/);
    expect(
      mk((b) => {
        b.output(b.node('residual', [b.input('x', [2]), b.input('h', [2])], { beta: 'learned' }, 'r'));
      }),
    ).toThrow(/wrong number of learned-scale inputs: expected 1/);
    expect(
      mk((b) => {
        b.output(b.node('residual', [b.input('x', [2]), b.input('h', [2])], { stochasticDepth: { survivalProb: 1.5, convention: 'scale-at-test' } }, 'r'));
      }),
    ).toThrow(/stochasticDepth.*survivalProb.*1\.5/);
    expect(
      mk((b) => {
        b.output(b.node('residual', [b.input('x', [2]), b.input('h', [2])], { activaton: 'relu' }, 'r'));
      }),
    ).toThrow(/unknown attribute 'activaton'/);
  });
});

describe('concat', () => {
  it('joins on the channel axis of NCHW and NHWC', () => {
    // NCHW [1,1,1,2] ++ [1,1,1,2] -> [1,2,1,2]: channel 0 = a, channel 1 = b
    const nchw = new GraphBuilder();
    nchw.output(nchw.node('concat', [nchw.input('a', [1, 1, 1, 2], { layout: 'NCHW' }), nchw.input('b', [1, 1, 1, 2], { layout: 'NCHW' })]));
    expect(run(nchw, { a: f32([1, 1, 1, 2], [1, 2]), b: f32([1, 1, 1, 2], [3, 4]) })).toEqual([1, 2, 3, 4]);
    // NHWC [1,1,2,1] ++ [1,1,2,1] -> [1,1,2,2]: per pixel (a, b) = [1,3, 2,4]
    const nhwc = new GraphBuilder();
    nhwc.output(nhwc.node('concat', [nhwc.input('a', [1, 1, 2, 1], { layout: 'NHWC' }), nhwc.input('b', [1, 1, 2, 1], { layout: 'NHWC' })]));
    expect(run(nhwc, { a: f32([1, 1, 2, 1], [1, 2]), b: f32([1, 1, 2, 1], [3, 4]) })).toEqual([1, 3, 2, 4]);
  });

  it('takes N inputs (DenseNet) including zero-channel ones', () => {
    const b = new GraphBuilder();
    const ins = [1, 0, 2].map((c, i) => b.input(`x${i}`, [1, c], { layout: 'NC' }));
    b.output(b.node('concat', ins));
    expect(run(b, { x0: f32([1, 1], [7]), x1: f32([1, 0], []), x2: f32([1, 2], [8, 9]) })).toEqual([7, 8, 9]);
  });

  it('center-crops earlier inputs to the last spatial size (U-Net)', () => {
    const b = new GraphBuilder();
    const enc = b.input('enc', [1, 1, 4, 4], { layout: 'NCHW' });
    const dec = b.input('dec', [1, 1, 2, 2], { layout: 'NCHW' });
    b.output(b.node('concat', [enc, dec], { crop: 'center' }));
    // enc = 0..15 row-major in 4x4; crop offset floor((4-2)/2) = 1 -> rows 1..2, cols 1..2 = [5,6,9,10]
    const encData = Array.from({ length: 16 }, (_, i) => i);
    expect(run(b, { enc: f32([1, 1, 4, 4], encData), dec: f32([1, 1, 2, 2], [-1, -2, -3, -4]) })).toEqual([5, 6, 9, 10, -1, -2, -3, -4]);
  });

  it('odd crops take the floor offset', () => {
    const b = new GraphBuilder();
    b.output(b.node('concat', [b.input('enc', [1, 3, 3, 1], { layout: 'NHWC' }), b.input('dec', [1, 2, 2, 1], { layout: 'NHWC' })], { crop: 'center' }));
    // 3x3 = 0..8, offset floor((3-2)/2) = 0 -> [0,1,3,4] interleaved with dec per pixel
    expect(run(b, { enc: f32([1, 3, 3, 1], [0, 1, 2, 3, 4, 5, 6, 7, 8]), dec: f32([1, 2, 2, 1], [9, 9, 9, 9]) })).toEqual([0, 9, 1, 9, 3, 9, 4, 9]);
  });

  it('errors: spatial mismatch without crop hints at crop, layout mismatch, no layout', () => {
    const mk =
      (inputs: [number[], string | undefined][], attrs = {}) =>
      () => {
        const b = new GraphBuilder();
        b.output(
          b.node(
            'concat',
            inputs.map(([s, l], i) => b.input(`x${i}`, s, l ? { layout: l as Layout } : {})),
            attrs,
            'cat',
          ),
        );
        b.build();
      };
    expect(
      mk([
        [[1, 2, 4, 4], 'NCHW'],
        [[1, 3, 2, 2], 'NCHW'],
      ]),
    ).toThrow(/node 'cat' \(concat\): input 0 does not match on axis 2.*crop 'center'/);
    expect(
      mk([
        [[1, 2, 4, 4], 'NCHW'],
        [[1, 4, 4, 2], 'NHWC'],
      ]),
    ).toThrow(/input 0 has a different layout: expected layout NHWC.*received layout NCHW/);
    expect(
      mk([
        [[2, 3], undefined],
        [[2, 3], undefined],
      ]),
    ).toThrow(/needs a layout to find its channel axis/);
    expect(
      mk(
        [
          [[1, 2, 1, 1], 'NCHW'],
          [[1, 3, 2, 2], 'NCHW'],
        ],
        { crop: 'center' },
      ),
    ).toThrow(/spatial size >= 2/);
    expect(
      mk(
        [
          [[1, 2, 4], 'NTC'],
          [[1, 2, 4], 'NTC'],
        ],
        { crop: 'center' },
      ),
    ).toThrow(/crop 'center' needs spatial axes/);
  });
});

describe('highway', () => {
  it('coupled carry: T*h + (1-T)*x', () => {
    const b = new GraphBuilder();
    b.output(b.node('highway', [b.input('x', [2]), b.input('h', [2]), b.input('t', [2])]));
    // t = 0 -> T = 0.5: 0.5*10 + 0.5*2 = 6; t = +Inf -> T = 1: 1*20 + 0*4 = 20
    expect(run(b, { x: f32([2], [2, 4]), h: f32([2], [10, 20]), t: f32([2], [0, Infinity]) })).toEqual([6, 20]);
  });

  it('separate carry gate: sigmoid(t)*h + sigmoid(c)*x', () => {
    const b = new GraphBuilder();
    b.output(b.node('highway', [b.input('x', [1]), b.input('h', [1]), b.input('t', [1]), b.input('c', [1])], { carry: 'separate' }));
    // T = sigmoid(0) = 0.5, C = sigmoid(ln 3) = 3/4: 0.5*8 + 0.75*4 = 7
    const got = run(b, { x: f32([1], [4]), h: f32([1], [8]), t: f32([1], [0]), c: tensor('float32', [1], [Math.log(3)]) });
    expect(got[0]).toBeCloseTo(7, 6);
  });

  it('errors on input count and shape', () => {
    const b = new GraphBuilder();
    b.output(b.node('highway', [b.input('x', [2]), b.input('h', [2]), b.input('t', [2])], { carry: 'separate' }, 'hw'));
    expect(() => b.build()).toThrow(/node 'hw' \(highway\): carry 'separate' takes 4 inputs/);
    const c = new GraphBuilder();
    c.output(c.node('highway', [c.input('x', [2]), c.input('h', [3]), c.input('t', [2])], {}, 'hw'));
    expect(() => c.build()).toThrow(/h must have the shape of x: expected \[2\], received \[3\]/);
  });
});

describe('gate', () => {
  it('SE gate broadcasts [N,C,1,1] over spatial axes of NCHW', () => {
    const b = new GraphBuilder();
    b.output(b.node('gate', [b.input('x', [1, 2, 1, 2], { layout: 'NCHW' }), b.input('g', [1, 2, 1, 1], { layout: 'NCHW' })], { broadcast: ['spatial'] }));
    // channel 0 [1,2] * 10, channel 1 [3,4] * 0.5 = [10,20,1.5,2]
    expect(run(b, { x: f32([1, 2, 1, 2], [1, 2, 3, 4]), g: f32([1, 2, 1, 1], [10, 0.5]) })).toEqual([10, 20, 1.5, 2]);
  });

  it('SE gate in NHWC uses [N,1,1,C]', () => {
    const b = new GraphBuilder();
    b.output(b.node('gate', [b.input('x', [1, 1, 2, 2], { layout: 'NHWC' }), b.input('g', [1, 1, 1, 2], { layout: 'NHWC' })], { broadcast: ['spatial'] }));
    // pixels (1,2),(3,4) times per-channel (10, 0.5) = [10,1,30,2]
    expect(run(b, { x: f32([1, 1, 2, 2], [1, 2, 3, 4]), g: f32([1, 1, 1, 2], [10, 0.5]) })).toEqual([10, 1, 30, 2]);
  });

  it('a full-shape gate needs no broadcast axes', () => {
    const b = new GraphBuilder();
    b.output(b.node('gate', [b.input('x', [2]), b.input('g', [2])]));
    expect(run(b, { x: f32([2], [3, 4]), g: f32([2], [2, -1]) })).toEqual([6, -4]);
  });

  it('refuses undeclared broadcasts (the NCHW/NHWC porting bug)', () => {
    const mk = (g: number[], x: number[], layout: Layout, broadcast: string[]) => () => {
      const b = new GraphBuilder();
      b.output(b.node('gate', [b.input('x', x, { layout }), b.input('g', g)], { broadcast }, 'se.mul'));
      b.build();
    };
    // an NCHW SE vector applied to NHWC data
    expect(mk([1, 8, 1, 1], [1, 4, 4, 8], 'NHWC', ['spatial'])).toThrow(
      /node 'se.mul' \(gate\): gate shape broadcasts over undeclared axes: expected g \[1,1,1,8\] for x \[1,4,4,8\] \(NHWC\) with broadcast \[spatial\], received g \[1,8,1,1\]/,
    );
    // batch broadcast not declared
    expect(mk([1, 8, 1, 1], [2, 8, 4, 4], 'NCHW', ['spatial'])).toThrow(/expected g \[2,8,1,1\]/);
    expect(mk([1, 8, 1, 1], [2, 8, 4, 4], 'NCHW', ['spatial', 'bogus'])).toThrow(/attribute 'broadcast' is invalid/);
    expect(mk([1, 8, 1], [1, 4, 8], 'NTC', ['spatial'])).toThrow(/layout NTC has no 'spatial' axis/);
  });
});
