/**
 * The fuzz harness (tools/fuzz/fuzz.ts) with the fixed budget CI runs: 10,000 seeded mutations of
 * valid ONNX, IR + safetensors, tfjs model.json + shard and .npy files through the real file
 * loaders. Any exception that is not a SkipconnError, a case over 5 s or the process over 2 GB
 * fails the test with the case's index, target and mutation (rerun it with `npm run fuzz --
 * --seed <seed> --count <index + 1>`). FUZZ_COUNT and FUZZ_SEED override the budget.
 */
import { runFuzz } from '../fuzz/fuzz';

const COUNT = Number(process.env['FUZZ_COUNT'] ?? 10_000);
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261201);

it(`${COUNT} mutated files give only typed errors, none slow, memory bounded (seed ${SEED})`, () => {
  const report = runFuzz({ count: COUNT, seed: SEED, hangMs: 5000, maxRssMb: 2048 });
  const shown = report.findings.slice(0, 10).map((f) => `#${f.index} ${f.target} (${f.mutation}): ${f.problem}`);
  expect(shown).toEqual([]);
  expect(report.tried).toBe(COUNT);
  expect(report.loaded + report.typedErrors).toBe(COUNT);
  // The mutations reach past the first check: several kinds of typed error occur, and some files still load.
  expect(Object.keys(report.byCode).length).toBeGreaterThanOrEqual(4);
  expect(report.loaded).toBeGreaterThan(0);
}, 300_000);
