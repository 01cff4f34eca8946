/**
 * Per-axis sampling tables for resize: core's resizeAxisTable (the reference evaluator's own, in
 * float64) packed into one Float32Array for the shader. Layout: [loH, hiH, tH] (each outH long),
 * then [loW, hiW, tW].
 */
import { resizeAxisTable, resizeScales, type ResizeAttrs } from '@skipconn/core';

export function resizeTable(attrs: ResizeAttrs, input: readonly [number, number], output: readonly [number, number]): Float32Array {
  const scales = resizeScales(attrs, input, output);
  const table = new Float32Array(3 * (output[0] + output[1]));
  let base = 0;
  for (const axis of [0, 1] as const) {
    const outLen = output[axis];
    const { lo, hi, t } = resizeAxisTable(attrs, scales[axis], input[axis], outLen);
    table.set(lo, base);
    table.set(hi, base + outLen);
    table.set(t, base + 2 * outLen);
    base += 3 * outLen;
  }
  return table;
}
