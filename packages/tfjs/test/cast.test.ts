/**
 * cast on tfjs beyond what the conformance cases hold every adapter to: tf.cast alone wraps
 * out-of-range floats modulo 2^32 and turns NaN and +-Infinity into 0, the kernel gives the IR's
 * saturation instead, on every Node backend, exactly as the reference does.
 */
import { GraphBuilder, evaluateGraph, tensor } from '@skipconn/core';
import { BACKENDS, initAdapter } from './helpers';

test.each(BACKENDS.map((spec) => [spec.name, spec] as const))('%s casts NaN to 0 and saturates out-of-range floats, as the reference does', async (_label, spec) => {
  // 3e9 > 2^31 - 1 and 2^31 itself saturate to 2147483647; -3e9 to -2^31; 2147483520 (the
  // largest float32 below 2^31) stays; -2.5 truncates to -2.
  const values = [NaN, Infinity, -Infinity, 3e9, 2 ** 31, -3e9, 2147483520, -2.5];
  const b = new GraphBuilder('cast-saturation');
  b.output(b.node('cast', [b.input('x', [values.length])], { to: 'int32' }, 'y'));
  const { validated, weights } = b.build();
  const x = tensor('float32', [values.length], values);
  const want = evaluateGraph(validated, weights, { x })['y']!;
  expect(Array.from(want.data as Int32Array)).toEqual([0, 2147483647, -2147483648, 2147483647, 2147483647, -2147483648, 2147483520, -2]);
  const adapter = await initAdapter(spec);
  try {
    const compiled = await adapter.compile(validated, weights);
    const got = (await compiled.run({ x }))['y']!;
    expect(got.dtype).toBe('int32');
    expect(Array.from(got.data as Int32Array)).toEqual(Array.from(want.data as Int32Array));
    await compiled.dispose();
  } finally {
    await adapter.dispose();
  }
});
