/**
 * Writes packages/conformance/cases/*.json from the definitions in ./cases. Run once after
 * changing a definition (`npm run cases -w @skipconn/conformance`), then `npm run goldens`; the
 * JSON files are what the suite reads, and they are committed.
 *
 * Before writing, every case is checked: error cases must make the core throw the named code
 * and message; value cases must validate; literal expectations must agree with the reference
 * evaluator within the dtype tolerance; goldens must be representable in the output dtype.
 *
 *   tsx tools/make-cases.ts           write the files
 *   tsx tools/make-cases.ts --check   exit 1 if the files differ from what would be written
 */
import * as fs from 'fs';
import * as path from 'path';
import { SkipconnError, evaluateGraph, toFloat64, validateGraph } from '@skipconn/core';
import { writeFileAtomic } from '@skipconn/core/node';
import { makeCase, type CaseDef } from './lib';
import { residualCases } from './cases/merge-residual';
import { concatCases, gateCases, highwayCases } from './cases/merge-others';
import { errorCases } from './cases/errors';
import { argMaxCases, gatherNdCases, intArithmeticCases } from './cases/ops-index';
import { equalCases, topKCases } from './cases/top-k';
import { activationCases, binaryCases, castCases, clipCases, eluCases, hardSigmoidCases, softmaxCases, sqrtCases } from './cases/ops-elementwise';
import { linearCases } from './cases/ops-linear';
import { convCases } from './cases/ops-conv';
import { normCases } from './cases/ops-norm';
import { poolCases } from './cases/ops-pool';
import { padCases, resizeCases } from './cases/ops-resample';
import { shapeCases } from './cases/ops-shape';
import { blockCases } from './cases/blocks';
import { materializeCase } from '../src/materialize';
import { decodeValues } from '../src/golden';
import { isErrorExpectation } from '../src/run-case';
import { caseGroup } from '../src/glob';
import { TOLERANCES, compareValues, formatIndex } from '../src/tolerance';
import { CASES_FORMAT, FORMAT_VERSION, type CaseFile, type ConformanceCase } from '../src/types';

const FILES: readonly [string, string, () => CaseDef[]][] = [
  ['merge-residual', 'residual merges: plain, post-activation, ReZero, LayerScale, DeepNorm, learned and constant scales, stochastic depth in both conventions', residualCases],
  ['merge-concat', 'concat merges: 2 to 5 inputs, NCHW, NHWC, NC and NTC, center crop', concatCases],
  ['merge-highway', 'highway merges: coupled and separate carry', highwayCases],
  ['merge-gate', 'gate merges: squeeze-and-excitation and token gates with declared broadcast axes', gateCases],
  ['errors', 'invalid graphs every adapter must refuse with the core error before running anything', errorCases],
  ['ops-elementwise', 'add, sub, mul, div: ranks 0 to 4, NumPy broadcasting, zero-size, special values', binaryCases],
  [
    'ops-activation',
    'relu, gelu (erf and tanh), sigmoid, tanh, silu, clip (ReLU6 and one-sided bounds), hardSigmoid (ONNX and PyTorch slopes), elu, sqrt',
    () => [...activationCases(), ...clipCases(), ...hardSigmoidCases(), ...eluCases(), ...sqrtCases()],
  ],
  ['ops-softmax', 'softmax along integer and semantic axes', softmaxCases],
  ['ops-cast', 'cast: int32 to float32 (pixels, rounding beyond 2^24), float32 to int32 (truncation toward zero), same-dtype casts', castCases],
  ['ops-int', "int32 add, sub and mul (two's complement wrapping), floorDiv (toward -Infinity), int32 concat and reshape", intArithmeticCases],
  ['ops-index', 'argMax (first maximum, NaN wins) and gatherNd (TF GatherNd, ONNX GatherND batch_dims 0)', () => [...argMaxCases(), ...gatherNdCases()]],
  ['ops-topk', "equal (1 and 0 in the operands' dtype; the max-pool peak test) and topK (descending, lower index first among equals)", () => [...equalCases(), ...topKCases()]],
  ['ops-linear', 'dense and matmul', linearCases],
  ['ops-conv', 'conv2d and convTranspose2d: strides, pads, dilations, groups', convCases],
  ['ops-norm', 'batchNorm (inference) and layerNorm', normCases],
  ['ops-pool', 'maxPool2d, avgPool2d and globalAvgPool', poolCases],
  ['ops-resize', 'resize: nearest and bilinear, every coordinate transform and rounding', resizeCases],
  ['ops-pad', 'pad: constant, reflect, edge', padCases],
  ['ops-shape', 'reshape, flatten, transpose, slice (ONNX bounds, steps, negative steps, empty results)', shapeCases],
  ['blocks', 'composite skip blocks: ResNet, DenseNet, highway, SE, U-Net, transformers, ReZero, LayerScale, DeepNorm, stochastic depth, a 20-block stack', blockCases],
];

const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT16_MAX = 65504;

/** Like prettyJson, but any value whose one-line JSON fits in `width` stays on one line. */
function compactJson(value: unknown, indent: string, width = 110): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return 'null';
  if (flat.length + indent.length <= width || value === null || typeof value !== 'object') return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) return flat;
    return `[\n${value.map((v) => inner + compactJson(v, inner, width)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner, width)}`).join(',\n')}\n${indent}}`;
}

/** Stable reorder so each report group (first two id segments) is contiguous, in first-seen order. */
function groupTogether(cases: ConformanceCase[]): ConformanceCase[] {
  const groups = new Map<string, ConformanceCase[]>();
  for (const c of cases) {
    const key = caseGroup(c.id);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].flat();
}

function check(c: ConformanceCase): void {
  const fail = (why: string): never => {
    throw new Error(`case ${c.id}: ${why}`);
  };
  if (isErrorExpectation(c.expected)) {
    const { code, message } = c.expected.error;
    try {
      validateGraph(c.graph);
    } catch (caught) {
      if (!(caught instanceof SkipconnError)) return fail(`expected ${code}, the validator threw ${String(caught)}`);
      const err = caught;
      if (err.code !== code || !err.message.includes(message)) fail(`expected ${code} containing ${JSON.stringify(message)}, received ${err.code}: ${err.message}`);
      return;
    }
    fail(`expected ${code}, but the graph validates`);
  }
  const vg = validateGraph(c.graph);
  const { weights, feeds } = materializeCase(c);
  const out = evaluateGraph(vg, weights, feeds, { float64: true });
  for (const name of c.graph.outputs) {
    const info = vg.values.get(name)!;
    const got = toFloat64(out[name]!);
    if (got.length > 4096) fail(`output ${name} has ${got.length} elements; keep goldens small`);
    const max = info.dtype === 'float16' ? FLOAT16_MAX : info.dtype === 'float32' ? FLOAT32_MAX : Infinity;
    const i = got.findIndex((v) => Number.isFinite(v) && Math.abs(v) > max);
    if (i >= 0) fail(`output ${name}[${i}] = ${got[i]} overflows ${info.dtype}: every adapter would return Infinity`);
    if (c.expected !== 'golden' && !isErrorExpectation(c.expected)) {
      const want = decodeValues(c.expected.values[name] ?? fail(`no literal values for output ${name}`), name);
      if (want.length !== got.length) fail(`literal ${name} has ${want.length} values, the output has ${got.length}`);
      const cmp = compareValues(got, want, info.shape, TOLERANCES[info.dtype]);
      if (!cmp.pass) fail(`literal ${name} disagrees with the reference at ${formatIndex(cmp.worstIndex)}: reference ${cmp.got}, literal ${cmp.want}`);
    }
  }
}

function main(): void {
  const checkOnly = process.argv.includes('--check');
  const dir = path.resolve(__dirname, '..', 'cases');
  fs.mkdirSync(dir, { recursive: true });
  const seen = new Set<string>();
  let total = 0;
  let stale = 0;
  for (const [name, description, defs] of FILES) {
    const cases = groupTogether(defs().map(makeCase));
    for (const c of cases) {
      if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
      seen.add(c.id);
      check(c);
    }
    const doc: CaseFile = { format: CASES_FORMAT, version: FORMAT_VERSION, description, cases };
    const text = `${compactJson(doc, '')}\n`;
    const file = path.join(dir, `${name}.json`);
    total += cases.length;
    if (checkOnly) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current !== text) {
        stale++;
        console.error(`stale: ${file}`);
      }
    } else {
      writeFileAtomic(file, text);
    }
    console.log(`${name}.json: ${cases.length} cases`);
  }
  console.log(`${total} cases`);
  if (checkOnly && stale > 0) {
    console.error(`${stale} case files differ from the definitions: run make-cases`);
    process.exitCode = 1;
  }
}

main();
