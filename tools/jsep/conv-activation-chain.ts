/**
 * Reproduces, in plain onnxruntime-web (no skipconn adapter, no rewrite), JSEP's Conv +
 * activation fusion keeping only the last of two activations (docs/onnxruntime-web.md):
 *
 *   node --liftoff-only --require tsx/cjs tools/jsep/conv-activation-chain.ts ['[["Clip:-Infinity:6","Clip:0:Infinity"]]']
 *
 * Each case is a hand-written ONNX model: Conv of a [1, 4, 4, 4] input with a 3x3 [4, 4, 3, 3]
 * kernel, pads 1 and a bias, then the activations given (`Clip:<min>:<max>` or an op name). It runs
 * on onnxruntime-web's WebGPU EP (`onnxruntime-web/all`, Dawn in Node) at the optimization levels
 * 'all' and 'basic' and prints the max abs difference from onnxruntime-node's CPU EP, and from the
 * Conv followed by the last activation alone.
 */
import * as ortNode from 'onnxruntime-node';
import { emptyTensor, type AttributeProto, type NodeProto, type TensorProto } from '@skipconn/onnx';
import { floatValue, modelBytes } from './model';
import { installDawnNavigator } from '../../packages/onnxruntime-web/src/node/dawn';
import { loadOrtWeb } from '../../packages/onnxruntime-web/src/node/runtime';

const FLOAT = 1;
const C = 4;
const H = 4;

let seed = 7;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return (seed / 2 ** 31) * 2 - 1;
}

const floats = (name: string, dims: number[], data: readonly number[]): TensorProto => ({ ...emptyTensor(), name, dims, dataType: FLOAT, floatData: [...data] });
const ints = (name: string, v: number[]): AttributeProto => ({ name, type: 7, ints: v, floats: [], strings: [], tensors: [], graphs: [] });

const X = Float32Array.from({ length: C * H * H }, () => rnd() * 3);
const W = Array.from({ length: C * C * 9 }, () => rnd() * 2);
const B = Array.from({ length: C }, () => rnd());

function model(acts: readonly string[]): Uint8Array {
  const initializer = [floats('W', [C, C, 3, 3], W), floats('B', [C], B)];
  const node: NodeProto[] = [{ name: 'conv', opType: 'Conv', domain: '', input: ['x', 'W', 'B'], output: ['a0'], attribute: [ints('pads', [1, 1, 1, 1]), ints('kernel_shape', [3, 3])] }];
  acts.forEach((act, i) => {
    const [opType, lo, hi] = act.split(':');
    const input = [`a${i}`];
    if (opType === 'Clip') {
      initializer.push(floats(`lo${i}`, [], [Number(lo)]), floats(`hi${i}`, [], [Number(hi)]));
      input.push(`lo${i}`, `hi${i}`);
    }
    node.push({ name: `act${i}`, opType: opType!, domain: '', input, output: [`a${i + 1}`], attribute: [] });
  });
  return modelBytes('conv-activation-chain', { node, initializer, input: [floatValue('x', [1, C, H, H])], output: [floatValue(`a${acts.length}`, [1, C, H, H])] });
}

type Runtime = typeof ortNode;

async function run(rt: Runtime, ep: string, level: 'all' | 'basic' | 'disabled', bytes: Uint8Array): Promise<Float32Array> {
  const session = await rt.InferenceSession.create(bytes, { executionProviders: [ep], graphOptimizationLevel: level });
  try {
    const out = await session.run({ x: new rt.Tensor('float32', X, [1, C, H, H]) });
    return Float32Array.from(out[session.outputNames[0]!]!.data as Float32Array);
  } finally {
    await session.release();
  }
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

async function main(): Promise<void> {
  await installDawnNavigator();
  const ortWeb = loadOrtWeb('all') as unknown as Runtime;
  const cases = JSON.parse(process.argv[2] ?? '[["Clip:-Infinity:6","Clip:0:Infinity"]]') as string[][];
  for (const acts of cases) {
    const bytes = model(acts);
    const want = await run(ortNode, 'cpu', 'disabled', bytes);
    const lastOnly = await run(ortNode, 'cpu', 'disabled', model(acts.slice(-1)));
    for (const level of ['all', 'basic'] as const) {
      const got = await run(ortWeb, 'webgpu', level, bytes);
      console.log(
        `Conv -> ${acts.join(' -> ')} on webgpu, level ${level}: max abs vs onnxruntime-node cpu ${maxDiff(got, want).toExponential(2)}, ` +
          `vs Conv -> ${acts.at(-1)!} alone ${maxDiff(got, lastOnly).toExponential(2)}; range [${Math.min(...got)}, ${Math.max(...got)}], onnxruntime-node [${Math.min(...want)}, ${Math.max(...want)}]`,
      );
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
