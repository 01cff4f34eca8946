/**
 * The equal expression beyond the conformance cases, value for value against the reference
 * evaluator: IEEE specials and subnormals on the scalar, vec4, broadcast and fused paths of the
 * elementwise kernel, and int32 operands.
 */
import { GraphBuilder, evaluateGraph, tensor } from '@skipconn/core';
import { expectSame, useGpu } from './gpu';

const gpu = useGpu();

describe('webgpu equal', () => {
  it('compares by IEEE equality on every path (scalar, vec4, broadcast, fused)', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const specials = [0, -0, 1e-40, -1e-40, NaN, Infinity, -Infinity, 1, 2];
    const n = specials.length;
    const left = tensor(
      'float32',
      [n, n],
      Array.from({ length: n * n }, (_, i) => specials[Math.floor(i / n)]!),
    );
    const right = tensor(
      'float32',
      [n, n],
      Array.from({ length: n * n }, (_, i) => specials[i % n]!),
    );
    const b = new GraphBuilder();
    const x = b.input('x', [n, n]);
    const y = b.input('y', [n, n]);
    const row = b.input('row', [1, n]);
    const eq = b.node('equal', [x, y], {}, 'eq');
    const broadcast = b.node('equal', [x, row], {}, 'bcast');
    // The fused producer reads z, which has no subnormals: SwiftShader's relu (x <= 0) and products flush them to zero.
    const z = b.input('z', [n, n]);
    const eqr = b.node('equal', [b.node('relu', [z], {}, 'rz'), y], {}, 'eqr');
    const fused = b.node('add', [eqr, eqr], {}, 'fused');
    b.output(eq, broadcast, fused);
    const { validated, weights } = b.build();
    const zFeed = tensor(
      'float32',
      [n, n],
      left.data.map((v) => (v !== 0 && Math.abs(v) < 1e-30 ? 0.5 : v)),
    );
    const feeds = { x: left, y: right, z: zFeed, row: tensor('float32', [1, n], specials) };
    const compiled = await a.compile(validated, weights);
    try {
      expectSame(await compiled.run(feeds), evaluateGraph(validated, weights, feeds));
    } finally {
      await compiled.dispose();
    }
    // [4, 4]: the vec4 path of the elementwise kernel.
    const four = new GraphBuilder();
    four.output(four.node('equal', [four.input('x', [4, 4]), four.input('y', [4, 4])], {}, 'eq'));
    const vec = four.build();
    const vfeeds = { x: tensor('float32', [4, 4], [...specials, 5, 6, 7, 8, 9, 10, 11]), y: tensor('float32', [4, 4], [-0, 0, 1e-40, 0, NaN, Infinity, Infinity, 1, 3, 5, 0, 7, 8, 0, 10, 11]) };
    const vc = await a.compile(vec.validated, vec.weights);
    try {
      expectSame(await vc.run(vfeeds), evaluateGraph(vec.validated, vec.weights, vfeeds));
    } finally {
      await vc.dispose();
    }
  });

  it('int32 operands give int32 1 and 0, vec4 and broadcast', async () => {
    const a = gpu.adapter;
    if (!a) return;
    const b = new GraphBuilder();
    const x = b.input('x', [2, 4], { dtype: 'int32' });
    const y = b.input('y', [2, 4], { dtype: 'int32' });
    const s = b.input('s', [1], { dtype: 'int32' });
    b.output(b.node('equal', [x, y], {}, 'eq'), b.node('equal', [x, s], {}, 'scalar'));
    const { validated, weights } = b.build();
    const feeds = {
      x: tensor('int32', [2, 4], [-2147483648, 2147483647, 0, -1, 5, 5, 7, -7]),
      y: tensor('int32', [2, 4], [-2147483648, -2147483648, 0, 1, 5, 4, -7, -7]),
      s: tensor('int32', [1], [5]),
    };
    const compiled = await a.compile(validated, weights);
    try {
      expectSame(await compiled.run(feeds), evaluateGraph(validated, weights, feeds));
    } finally {
      await compiled.dispose();
    }
  });
});
