import { tensor } from '@skipconn/core';
import { describeOutputs, diffOutputs, float32Ulp, matchRows, sortedColumn } from '../graph-models/compare';

/** Detections as centernet writes them: x1, y1, x2, y2, score, class; scores descending. */
const detections = [
  [10, 20, 30, 40, 0.9, 1],
  [50, 60, 70, 80, 0.5, 2],
  [400, 1, 500, 11, 0.00417841, 15],
  [2, 433, 25, 486, 0.0041784, 54],
  [7, 7, 9, 9, 0.001, 3],
];

describe('graph-models row matcher', () => {
  it('finds two swapped rows, says which moved and the gap between their scores', () => {
    const want = detections.flat();
    const got = [detections[0]!, detections[1]!, detections[3]!, detections[2]!, detections[4]!].flat();
    const m = matchRows(got, want, 6);
    expect(m).toEqual({
      permutation: true,
      rows: 5,
      moved: [
        { got: 2, want: 3 },
        { got: 3, want: 2 },
      ],
      scoreColumn: 4,
      scoreGap: expect.closeTo(1e-8, 15),
      scoreGapUlps: expect.closeTo(1e-8 / 2 ** -31, 6),
    });
  });

  it('keeps rows in place when they match their own position, even if they also match another', () => {
    // Rows 0 and 1 are equal: neither moved.
    const want = [1, 2, 1, 2, 3, 4];
    expect(matchRows(want, want, 2)).toEqual({ permutation: true, rows: 3, moved: [] });
  });

  it('needs an augmenting path when the greedy choice would block a later row', () => {
    // got row 0 is within tolerance of want rows 0 and 1, got row 1 only of want row 0.
    const want = [0, 0.00005];
    const got = [0.00012, 0];
    const m = matchRows(got, want, 1);
    expect(m).toMatchObject({
      permutation: true,
      moved: [
        { got: 0, want: 1 },
        { got: 1, want: 0 },
      ],
    });
  });

  it('says when rows are not a permutation: a near-tie that swapped into and out of the set', () => {
    const want = detections.flat();
    // The last detection replaced by the 6th best, which the oracle's top 5 does not hold.
    const got = [...detections.slice(0, 4), [300, 300, 310, 310, 0.000999, 8]].flat();
    expect(matchRows(got, want, 6)).toEqual({ permutation: false, rows: 5, unmatched: [4], unmatchedCount: 1 });
  });

  it('refuses arrays that do not split into rows of that length', () => {
    expect(matchRows([1, 2, 3], [1, 2, 3], 2)).toBeUndefined();
    expect(matchRows([1, 2], [1, 2, 3, 4], 2)).toBeUndefined();
  });

  it('finds the column the oracle sorted by, and none when no column is sorted and varies', () => {
    expect(sortedColumn(detections.flat(), 6)).toBe(4);
    expect(sortedColumn([1, 5, 2, 5, 3, 5], 2)).toBeUndefined();
  });

  it('gives the float32 spacing at a value', () => {
    expect(float32Ulp(1)).toBe(2 ** -23);
    expect(float32Ulp(0.0041784)).toBe(2 ** -31);
    expect(float32Ulp(-3)).toBe(2 ** -22);
    expect(float32Ulp(0)).toBe(2 ** -149);
  });
});

describe('graph-models output diffs', () => {
  it('reports each output, the permutation of the failing one and where the moved scores sit in the heatmap', () => {
    const wantDet = detections.map((r) => r.map((v) => Math.fround(v)));
    const heat = new Float32Array(8);
    heat[5] = wantDet[2]![4]!;
    heat[6] = wantDet[3]![4]!;
    const gotHeat = Float32Array.from(heat);
    gotHeat[5] = Math.fround(0.0041784);
    const gotDet = [wantDet[0]!, wantDet[1]!, wantDet[3]!, wantDet[2]!, wantDet[4]!];
    const want = [tensor('float32', [1, 8], heat), tensor('float32', [1, 5, 6], wantDet.flat())];
    const got = [tensor('float32', [1, 8], gotHeat), tensor('float32', [1, 5, 6], gotDet.flat())];
    const diffs = diffOutputs(['heatmap', 'detections'], got, want, 'oracle');
    const heatErr = Math.abs(Math.fround(0.0041784) - Math.fround(0.00417841));
    expect(diffs[0]).toEqual({ name: 'heatmap', maxAbs: heatErr, ok: true });
    expect(diffs[1]!.ok).toBe(false);
    expect(diffs[1]!.maxAbs).toBe(500 - 25);
    expect(diffs[1]!.rows).toMatchObject({
      permutation: true,
      moved: [
        { got: 2, want: 3 },
        { got: 3, want: 2 },
      ],
      scoreColumn: 4,
    });
    expect(diffs[1]!.behind).toEqual([
      { row: 3, score: wantDet[3]![4], occurrences: 1, output: 0, index: 6, got: wantDet[3]![4] },
      { row: 2, score: wantDet[2]![4], occurrences: 1, output: 0, index: 5, got: Math.fround(0.0041784) },
    ]);
    const text = describeOutputs(diffs);
    // 0.0041784 and 0.00417841 lie in [2^-8, 2^-7), where float32 values are 2^-31 apart.
    const lo = Math.fround(0.0041784);
    const hi = Math.fround(0.00417841);
    const ulps = Math.round(heatErr / 2 ** -31);
    expect(text).toBe(
      `heatmap ${heatErr.toExponential(1)}; detections 4.8e+2 (fails): its 5 rows are the oracle's rows reordered, 2 moved (2 <- 3, 3 <- 2), oracle score gap of the moved rows ${heatErr.toExponential(1)} (${ulps} float32 ulps); ` +
        `the moved rows' oracle scores are elements of heatmap, where this runtime has ${lo.toPrecision(9)} for ${lo.toPrecision(9)} (0 ulps), ${lo.toPrecision(9)} for ${hi.toPrecision(9)} (${ulps} ulps)`,
    );
  });

  it('leaves a passing output without a row match', () => {
    const t = tensor('float32', [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(diffOutputs(['y'], [t], [t], 'oracle')).toEqual([{ name: 'y', maxAbs: 0, ok: true }]);
  });
});
