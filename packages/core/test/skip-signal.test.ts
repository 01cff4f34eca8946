/**
 * Signal statistics at each merge on tiny graphs, with the arithmetic next to every expectation.
 */
import { GraphBuilder, findSkips, skipSignals, tensor } from '../src';

const f32 = (shape: number[], data: number[]) => tensor('float32', shape, data);

/** x [1,2] (NC) and body = 0.5 * x, so the body is half the shortcut everywhere. */
function halfBody(attrs: Record<string, unknown> = {}, beta?: number[]) {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 2], { layout: 'NC' });
  const half = b.weight('half', f32([], [0.5]));
  const body = b.node('mul', [x, half], {}, 'body');
  const inputs = [x, body];
  if (beta !== undefined) inputs.push(b.weight('gamma', f32([2], beta)));
  b.output(b.node('residual', inputs, attrs, 'add'));
  const { validated, weights } = b.build();
  return skipSignals(validated, weights, { x: f32([1, 2], [3, -4]) }, findSkips(validated));
}

describe('skipSignals', () => {
  it('residual: RMS of shortcut and body and their ratio', () => {
    const [s] = halfBody({ activation: 'relu' });
    // shortcut [3,-4]: sqrt((9 + 16) / 2) = sqrt(12.5); body [1.5,-2]: sqrt((2.25 + 4) / 2) = sqrt(3.125)
    // the relu after the add does not change the terms; ratio sqrt(3.125 / 12.5) = 0.5
    expect(s!.shortcutRms).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(s!.bodyRms).toBeCloseTo(Math.sqrt(3.125), 12);
    expect(s!.ratio).toBeCloseTo(0.5, 12);
    expect(s).toMatchObject({ gateMean: null, transformMean: null, carryMean: null });
  });

  it('DeepNorm alpha and stochastic depth scale the terms as the merge adds them', () => {
    const [deep] = halfBody({ alpha: 2 });
    // 2 * shortcut: RMS 2 * sqrt(12.5); ratio 0.5 / 2 = 0.25
    expect(deep!.shortcutRms).toBeCloseTo(2 * Math.sqrt(12.5), 12);
    expect(deep!.ratio).toBeCloseTo(0.25, 12);
    const [test] = halfBody({ stochasticDepth: { survivalProb: 0.8, convention: 'scale-at-test' } });
    // scale-at-test multiplies the body by p = 0.8: ratio 0.5 * 0.8 = 0.4
    expect(test!.ratio).toBeCloseTo(0.4, 12);
  });

  it('LayerScale: a per-channel beta weights each channel of the body', () => {
    const [s] = halfBody({ beta: 'learned' }, [2, 0.5]);
    // beta * body = [2 * 1.5, 0.5 * -2] = [3, -1]: RMS sqrt((9 + 1) / 2) = sqrt(5); ratio sqrt(5 / 12.5)
    expect(s!.bodyRms).toBeCloseTo(Math.sqrt(5), 6);
    expect(s!.ratio).toBeCloseTo(Math.sqrt(5 / 12.5), 6);
  });

  it('gate: mean gate value; highway: mean transform gate T and carry', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2], { layout: 'NC' });
    const g = b.node('sigmoid', [x], {}, 'g');
    const gated = b.node('gate', [x, g], {}, 'se');
    const h = b.node('relu', [gated], {}, 'h');
    b.output(b.node('highway', [gated, h, gated], { carry: 'coupled' }, 'hw'));
    const { validated, weights } = b.build();
    // x = [0, ln 3]: g = sigmoid(x) = [0.5, 0.75], mean 0.625
    // the highway's logits are x * g = [0, 0.75 ln 3]: T = [0.5, 1 / (1 + 3^-0.75)]
    const [gate, highway] = skipSignals(validated, weights, { x: f32([1, 2], [0, Math.log(3)]) }, findSkips(validated));
    expect(gate!.gateMean).toBeCloseTo(0.625, 6);
    expect(gate!.ratio).toBeNull();
    const t1 = 1 / (1 + 3 ** -0.75);
    expect(highway!.transformMean).toBeCloseTo((0.5 + t1) / 2, 6);
    expect(highway!.carryMean).toBeCloseTo(1 - (0.5 + t1) / 2, 6);
  });

  it('concat: no signal statistics', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2], { layout: 'NC' });
    b.output(b.node('concat', [x, b.node('relu', [x], {}, 'r')], {}, 'cat'));
    const { validated, weights } = b.build();
    expect(skipSignals(validated, weights, { x: f32([1, 2], [1, 2]) }, findSkips(validated))).toEqual([null]);
  });
});
