/**
 * TF ops of the GraphModel importer against tfjs itself: small hand-written GraphModels (nodes
 * and attributes as tensorflowjs_converter writes them) run through @tensorflow/tfjs-converter's
 * loadGraphModel + execute on tfjs-backend-cpu, and through skipconn's import on the reference
 * evaluator; outputs agree within atol 1e-4 + rtol 1e-3 (the suite's float32 tolerance).
 * Covered: Transpose, ExpandDims, ResizeBilinear and ResizeNearestNeighbor in their three
 * coordinate modes, Conv2DBackpropInput (SAME and VALID, output sizes that need output padding),
 * Square, SquaredDifference, StridedSlice (every mask), Split and SplitV on computed values, and
 * shape arithmetic folded at import (Shape, Unpack, FloorDiv, Sum, GatherV2, Pack, Sqrt, Rsqrt, Abs), and
 * Cast of computed values (an int32 input to float32, float32 to int32), LeakyRelu and Elu (standalone and
 * fused), and a keypoint decoding as MoveNet writes it (ArgMax, int32 FloorDiv / Mul / Sub, Pack
 * and ConcatV2 of int32 columns with constants, GatherNd, Unpack of a computed value, Sqrt).
 */
import { UnsupportedError, evaluateGraph, randomTensor, sizeOf, type HostTensor } from '@skipconn/core';
import { importGraphModel, type GraphModelArtifacts, type GraphModelJson, type TfAttrValue, type TfNodeJson } from '../src';
import { graphModelInput, runArtifactsWithConverter } from './graph-model-helpers';
import { expectWithin } from './layers-model-helpers';

interface ConstSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: readonly number[];
  readonly dtype?: 'float32' | 'int32';
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const f32: TfAttrValue = { type: 'DT_FLOAT' };
const i32: TfAttrValue = { type: 'DT_INT32' };
const ints = (...v: number[]): TfAttrValue => ({ list: { i: v.map(String) } });

/** A GraphModel with one input 'x' of `shape` (float32 unless `inputDtype` says int32), the constants in the weights manifest and `nodes`. */
function model(shape: readonly number[], consts: readonly ConstSpec[], nodes: readonly TfNodeJson[], inputDtype: 'float32' | 'int32' = 'float32'): GraphModelArtifacts {
  const placeholder: TfNodeJson = { name: 'x', op: 'Placeholder', attr: { dtype: inputDtype === 'int32' ? i32 : f32, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } };
  const constNodes: TfNodeJson[] = consts.map((k) => ({ name: k.name, op: 'Const', attr: { dtype: k.dtype === 'int32' ? i32 : f32 } }));
  const bytes: number[] = [];
  for (const k of consts) {
    const array = k.dtype === 'int32' ? Int32Array.from(k.values) : Float32Array.from(k.values);
    bytes.push(...new Uint8Array(array.buffer));
  }
  const modelJson: GraphModelJson = {
    format: 'graph-model',
    modelTopology: { node: [placeholder, ...constNodes, ...nodes], versions: { producer: 1395 } },
    weightsManifest: [{ paths: ['w.bin'], weights: consts.map((k) => ({ name: k.name, shape: [...k.shape], dtype: k.dtype ?? 'float32' })) }],
  };
  return { modelJson, weightData: Uint8Array.from(bytes) };
}

/** Imports, evaluates on the reference and compares every output with tfjs-converter's. */
async function expectLikeTfjs(artifacts: GraphModelArtifacts, label: string): Promise<void> {
  const imported = importGraphModel(artifacts);
  const input = imported.graph.inputs[0]!;
  const x: HostTensor = input.dtype === 'int32' ? graphModelInput(input) : randomTensor(input.shape, sizeOf(input.shape) + 3);
  const want = await runArtifactsWithConverter(artifacts, { x }, imported.tfOutputs);
  const got = evaluateGraph(imported.validated, imported.weights, { x });
  imported.graph.outputs.forEach((o, i) => {
    expect([label, got[o]!.shape]).toEqual([label, want[i]!.shape]);
    expectWithin(got[o]!, want[i]!, `${label} ${o}`);
  });
}

describe('GraphModel image and shape ops match tfjs-converter', () => {
  it('Transpose and ExpandDims (NHWC -> NCHW, a new leading axis)', async () => {
    await expectLikeTfjs(
      model(
        [1, 3, 4, 2],
        [
          { name: 'perm', shape: [4], values: [0, 3, 1, 2], dtype: 'int32' },
          { name: 'axis', shape: [], values: [0], dtype: 'int32' },
        ],
        [
          { name: 't', op: 'Transpose', input: ['x', 'perm'], attr: { T: f32, Tperm: i32 } },
          { name: 'e', op: 'ExpandDims', input: ['t', 'axis'], attr: { T: f32, Tdim: i32 } },
        ],
      ),
      'transpose + expand',
    );
  });

  const resizeCases: [string, boolean, boolean, number[]][] = [
    ['asymmetric, up', false, false, [7, 5]],
    ['align_corners, up', true, false, [7, 5]],
    ['half_pixel_centers, up', false, true, [7, 5]],
    ['asymmetric, down', false, false, [2, 2]],
    ['half_pixel_centers, down', false, true, [2, 3]],
    ['align_corners, down', true, false, [2, 3]],
  ];
  it.each(resizeCases)('ResizeBilinear and ResizeNearestNeighbor, %s', async (label, alignCorners, halfPixel, size) => {
    for (const op of ['ResizeBilinear', 'ResizeNearestNeighbor']) {
      await expectLikeTfjs(
        model(
          [1, 3, 4, 2],
          [{ name: 'size', shape: [2], values: size, dtype: 'int32' }],
          [{ name: 'r', op, input: ['x', 'size'], attr: { T: f32, align_corners: { b: alignCorners }, half_pixel_centers: { b: halfPixel } } }],
        ),
        `${op} ${label}`,
      );
    }
  });

  const deconvCases: [string, string, number[], number][] = [
    ['SAME, stride 2, even size', 'SAME', [1, 6, 6, 3], 2],
    ['SAME, stride 2, odd size (output padding)', 'SAME', [1, 5, 5, 3], 2],
    ['VALID, stride 2', 'VALID', [1, 7, 7, 3], 2],
    ['VALID, stride 2, one extra row and column', 'VALID', [1, 8, 8, 3], 2],
    ['SAME, stride 1', 'SAME', [1, 3, 3, 3], 1],
  ];
  it.each(deconvCases)('Conv2DBackpropInput (Keras Conv2DTranspose), %s', async (label, padding, sizes, stride) => {
    const filter = Array.from(randomTensor([3, 3, 3, 2], 5).data as Float32Array);
    await expectLikeTfjs(
      model(
        [1, 3, 3, 2],
        [
          { name: 'sizes', shape: [4], values: sizes, dtype: 'int32' },
          { name: 'filter', shape: [3, 3, 3, 2], values: filter },
        ],
        [
          {
            name: 'y',
            op: 'Conv2DBackpropInput',
            input: ['sizes', 'filter', 'x'],
            attr: { T: f32, strides: ints(1, stride, stride, 1), padding: { s: b64(padding) }, data_format: { s: b64('NHWC') }, dilations: ints(1, 1, 1, 1) },
          },
        ],
      ),
      label,
    );
  });

  it('Square and SquaredDifference, with a computed and a constant operand', async () => {
    await expectLikeTfjs(
      model(
        [1, 2, 3],
        [{ name: 'k', shape: [3], values: [0.5, -1, 2] }],
        [
          { name: 'sq', op: 'Square', input: ['x'], attr: { T: f32 } },
          { name: 'd', op: 'SquaredDifference', input: ['sq', 'k'], attr: { T: f32 } },
          { name: 'dd', op: 'SquaredDifference', input: ['x', 'd'], attr: { T: f32 } },
        ],
      ),
      'square',
    );
  });

  it('shape arithmetic folds at import: Shape, Unpack, FloorDiv, Pack, Sum, GatherV2, Sqrt, Rsqrt, Abs', async () => {
    // reshape x [1, 4, 6] to [h, w, c] = [4 // 2, 6, 2] computed from its own shape, then scale by
    // constants folded from Sum, GatherV2, Sqrt, Rsqrt and Abs.
    await expectLikeTfjs(
      model(
        [1, 4, 6],
        [
          { name: 'two', shape: [], values: [2], dtype: 'int32' },
          { name: 'm', shape: [2, 3], values: [1, -4, 9, 16, -25, 36] },
          { name: 'axis0', shape: [], values: [0], dtype: 'int32' },
          { name: 'idx', shape: [2], values: [2, 0], dtype: 'int32' },
        ],
        [
          { name: 'shape', op: 'Shape', input: ['x'], attr: { T: f32, out_type: i32 } },
          { name: 'dims', op: 'Unpack', input: ['shape'], attr: { T: i32, num: { i: '3' }, axis: { i: '0' } } },
          { name: 'half', op: 'FloorDiv', input: ['dims:1', 'two'], attr: { T: i32 } },
          { name: 'target', op: 'Pack', input: ['half', 'dims:2', 'two'], attr: { T: i32, N: { i: '3' }, axis: { i: '0' } } },
          { name: 'r', op: 'Reshape', input: ['x', 'target'], attr: { T: f32, Tshape: i32 } },
          { name: 'abs', op: 'Abs', input: ['m'], attr: { T: f32 } },
          { name: 'root', op: 'Sqrt', input: ['abs'], attr: { T: f32 } },
          { name: 'colsum', op: 'Sum', input: ['root', 'axis0'], attr: { T: f32, Tidx: i32, keep_dims: { b: false } } },
          { name: 'picked', op: 'GatherV2', input: ['colsum', 'idx', 'axis0'], attr: { Tparams: f32, Tindices: i32, Taxis: i32, batch_dims: { i: '0' } } },
          { name: 'inv', op: 'Rsqrt', input: ['picked'], attr: { T: f32 } },
          { name: 'y', op: 'Mul', input: ['r', 'inv'], attr: { T: f32 } },
        ],
      ),
      'shape arithmetic',
    );
  });

  it('a computed input to import-time math is refused naming the op and node', () => {
    const artifacts = model([1, 2], [], [{ name: 'root', op: 'Rsqrt', input: ['x'], attr: { T: f32 } }]);
    expect(() => importGraphModel(artifacts)).toThrow(UnsupportedError);
    expect(() => importGraphModel(artifacts)).toThrow(/node 'root' \(Rsqrt\).*a computed value.*constant value/s);
  });

  it('Cast of computed values: an int32 image to float32 (MoveNet), and float32 to int32 truncating toward zero', async () => {
    // y = float(x) * (1/255) - 0.5 for an int32 image x of pixel values; then int(y * 100)
    await expectLikeTfjs(
      model(
        [1, 3, 4, 3],
        [
          { name: 'scale', shape: [], values: [1 / 255] },
          { name: 'half', shape: [], values: [0.5] },
          { name: 'hundred', shape: [], values: [100] },
        ],
        [
          { name: 'f', op: 'Cast', input: ['x'], attr: { SrcT: i32, DstT: f32, Truncate: { b: false } } },
          { name: 'scaled', op: 'Mul', input: ['f', 'scale'], attr: { T: f32 } },
          { name: 'y', op: 'Sub', input: ['scaled', 'half'], attr: { T: f32 } },
          { name: 'big', op: 'Mul', input: ['y', 'hundred'], attr: { T: f32 } },
          { name: 'z', op: 'Cast', input: ['big'], attr: { SrcT: f32, DstT: i32, Truncate: { b: false } } },
        ],
        'int32',
      ),
      'Cast',
    );
    const imported = importGraphModel(model([1, 2], [], [{ name: 'same', op: 'Cast', input: ['x'], attr: { SrcT: f32, DstT: f32 } }]));
    // A cast to the dtype a value already has is no cast node (the output that is the input gets an identity reshape).
    expect(imported.graph.nodes.map((n) => n.op)).toEqual(['reshape']);
  });

  it('a Cast of a computed value to a dtype the IR lacks is refused naming the node and the dtypes it takes', () => {
    const artifacts = model([1, 2], [], [{ name: 'mask', op: 'Cast', input: ['x'], attr: { SrcT: f32, DstT: { type: 'DT_BOOL' } } }]);
    expect(() => importGraphModel(artifacts)).toThrow(UnsupportedError);
    expect(() => importGraphModel(artifacts)).toThrow(/node 'mask' \(Cast\).*DT_BOOL.*DT_FLOAT, DT_INT32/s);
  });

  it('LeakyRelu, standalone and fused into _FusedConv2D after BiasAdd', async () => {
    // relu(x) - alpha * relu(-x): x where x > 0, alpha * x elsewhere
    const filter = Array.from({ length: 6 }, (_, i) => (i % 3) - 1 + i / 10);
    await expectLikeTfjs(
      model(
        [1, 3, 3, 2],
        [
          { name: 'w', shape: [1, 1, 2, 3], values: filter },
          { name: 'b', shape: [3], values: [0.1, -0.2, 0.3] },
        ],
        [
          {
            name: 'conv',
            op: '_FusedConv2D',
            input: ['x', 'w', 'b'],
            attr: {
              T: f32,
              strides: ints(1, 1, 1, 1),
              padding: { s: b64('VALID') },
              data_format: { s: b64('NHWC') },
              dilations: ints(1, 1, 1, 1),
              fused_ops: { list: { s: [b64('BiasAdd'), b64('LeakyRelu')] } },
              num_args: { i: '1' },
              leakyrelu_alpha: { f: 0.3 },
            },
          },
          { name: 'y', op: 'LeakyRelu', input: ['conv'], attr: { T: f32, alpha: { f: 0.1 } } },
        ],
      ),
      'LeakyRelu',
    );
  });

  it('Elu, standalone and fused into _FusedMatMul after BiasAdd', async () => {
    // x where x >= 0, exp(x) - 1 below (TF's Elu has alpha 1)
    await expectLikeTfjs(
      model(
        [2, 3],
        [
          { name: 'w', shape: [3, 4], values: Array.from({ length: 12 }, (_, i) => (i % 5) - 2 + i / 7) },
          { name: 'b', shape: [4], values: [0.5, -1, 0, 2] },
        ],
        [
          {
            name: 'fc',
            op: '_FusedMatMul',
            input: ['x', 'w', 'b'],
            attr: { T: f32, transpose_a: { b: false }, transpose_b: { b: false }, fused_ops: { list: { s: [b64('BiasAdd'), b64('Elu')] } }, num_args: { i: '1' } },
          },
          { name: 'y', op: 'Elu', input: ['fc'], attr: { T: f32 } },
        ],
      ),
      'Elu',
    );
  });
});

describe('GraphModel keypoint decoding (MoveNet) matches tfjs-converter', () => {
  // 3 keypoint heatmaps on a 4x4 grid: the best cell of each, split into row and column with int32
  // arithmetic, the score there (GatherNd on [b, row, col, k]) and the 3 channel values there
  // (GatherNd on [b, row, col]), unstacked and added to the float row and column, then a distance.
  const consts: ConstSpec[] = [
    { name: 'flat_shape', shape: [3], values: [1, 16, 3], dtype: 'int32' },
    { name: 'axis1', shape: [], values: [1], dtype: 'int32' },
    { name: 'width', shape: [], values: [4], dtype: 'int32' },
    { name: 'vec_shape', shape: [1], values: [3], dtype: 'int32' },
    { name: 'batch', shape: [3], values: [0, 0, 0], dtype: 'int32' },
    { name: 'keypoints', shape: [3, 1], values: [0, 1, 2], dtype: 'int32' },
    { name: 'concat_axis', shape: [], values: [1], dtype: 'int32' },
    { name: 'target', shape: [], values: [1.5] },
  ];
  const nodes: TfNodeJson[] = [
    { name: 'heat', op: 'Sigmoid', input: ['x'], attr: { T: f32 } },
    { name: 'flat', op: 'Reshape', input: ['heat', 'flat_shape'], attr: { T: f32, Tshape: i32 } },
    { name: 'idx', op: 'ArgMax', input: ['flat', 'axis1'], attr: { T: f32, Tidx: i32, output_type: i32 } },
    { name: 'row', op: 'FloorDiv', input: ['idx', 'width'], attr: { T: i32 } },
    { name: 'row_w', op: 'Mul', input: ['row', 'width'], attr: { T: i32 } },
    { name: 'col', op: 'Sub', input: ['idx', 'row_w'], attr: { T: i32 } },
    { name: 'row_v', op: 'Reshape', input: ['row', 'vec_shape'], attr: { T: i32, Tshape: i32 } },
    { name: 'col_v', op: 'Reshape', input: ['col', 'vec_shape'], attr: { T: i32, Tshape: i32 } },
    { name: 'cells', op: 'Pack', input: ['batch', 'row_v', 'col_v'], attr: { T: i32, N: { i: '3' }, axis: { i: '1' } } },
    { name: 'points', op: 'ConcatV2', input: ['cells', 'keypoints', 'concat_axis'], attr: { T: i32, Tidx: i32, N: { i: '2' } } },
    { name: 'score', op: 'GatherNd', input: ['heat', 'points'], attr: { Tparams: f32, Tindices: i32 } },
    { name: 'vectors', op: 'GatherNd', input: ['x', 'cells'], attr: { Tparams: f32, Tindices: i32 } },
    { name: 'parts', op: 'Unpack', input: ['vectors'], attr: { T: f32, num: { i: '3' }, axis: { i: '1' } } },
    { name: 'row_f', op: 'Cast', input: ['row'], attr: { SrcT: i32, DstT: f32, Truncate: { b: false } } },
    { name: 'col_f', op: 'Cast', input: ['col'], attr: { SrcT: i32, DstT: f32, Truncate: { b: false } } },
    { name: 'y0', op: 'AddV2', input: ['row_f', 'parts'], attr: { T: f32 } },
    { name: 'x0', op: 'AddV2', input: ['col_f', 'parts:2'], attr: { T: f32 } },
    { name: 'dy', op: 'SquaredDifference', input: ['y0', 'target'], attr: { T: f32 } },
    { name: 'dx', op: 'SquaredDifference', input: ['x0', 'target'], attr: { T: f32 } },
    { name: 'd2', op: 'AddV2', input: ['dy', 'dx'], attr: { T: f32 } },
    { name: 'dist', op: 'Sqrt', input: ['d2'], attr: { T: f32 } },
  ];

  it('ArgMax, FloorDiv, int32 Mul and Sub, Pack, ConcatV2, GatherNd, Unpack, Sqrt', async () => {
    const artifacts = model([1, 4, 4, 3], consts, nodes);
    await expectLikeTfjs(artifacts, 'keypoint decoding');
    const imported = importGraphModel(artifacts);
    const ops = new Set(imported.graph.nodes.map((n) => n.op));
    for (const op of ['argMax', 'floorDiv', 'mul', 'sub', 'concat', 'gatherNd', 'slice', 'sqrt']) expect([op, ops.has(op)]).toEqual([op, true]);
    // The int32 constants beside int32 values are int32 weights, and the int32 values are index arithmetic only.
    expect(
      imported.graph.weights
        .filter((w) => w.dtype === 'int32')
        .map((w) => w.name)
        .sort(),
    ).toEqual(['batch', 'keypoints', 'width']);
    const int32Ops = new Set(imported.validated.nodes.filter((n) => n.outputs[0]!.dtype === 'int32').map((n) => n.type));
    expect([...int32Ops].sort()).toEqual(['argMax', 'concat', 'floorDiv', 'mul', 'reshape', 'sub']);
  });

  it("an ArgMax with TF's default int64 output and a FloorDiv of floats are refused naming the node", () => {
    const argMax64 = model([1, 6], [{ name: 'axis1', shape: [], values: [1], dtype: 'int32' }], [{ name: 'best', op: 'ArgMax', input: ['x', 'axis1'], attr: { T: f32, Tidx: i32 } }]);
    expect(() => importGraphModel(argMax64)).toThrow(/node 'best' \(ArgMax\).*output_type DT_INT64.*output_type DT_INT32/s);
    const floatDiv = model([1, 6], [{ name: 'two', shape: [], values: [2] }], [{ name: 'half', op: 'FloorDiv', input: ['x', 'two'], attr: { T: f32 } }]);
    expect(() => importGraphModel(floatDiv)).toThrow(/node 'half' \(FloorDiv\).*FloorDiv of float values.*FloorDiv of int32 values/s);
  });
});

describe('GraphModel StridedSlice, Split and SplitV on computed values match tfjs-converter', () => {
  /** x -> StridedSlice(begin, end, strides) with the given masks -> output. */
  const strided = (shape: number[], begin: number[], end: number[], strides: number[], masks: Record<string, number> = {}) =>
    model(
      shape,
      [
        { name: 'b', shape: [begin.length], values: begin, dtype: 'int32' },
        { name: 'e', shape: [end.length], values: end, dtype: 'int32' },
        { name: 's', shape: [strides.length], values: strides, dtype: 'int32' },
      ],
      [{ name: 'y', op: 'StridedSlice', input: ['x', 'b', 'e', 's'], attr: { T: f32, Index: i32, ...Object.fromEntries(Object.entries(masks).map(([k, v]) => [k, { i: String(v) }])) } }],
    );

  const cases: [string, number[], number[], number[], number[], Record<string, number>][] = [
    ['channel half x[..., 4:] (begin masks for N, H, W)', [1, 2, 3, 8], [0, 0, 0, 4], [0, 0, 0, 8], [1, 1, 1, 1], { begin_mask: 7, end_mask: 7 }],
    ['strided spatial crop x[:, 1:4:2, ::2]', [1, 5, 4, 3], [0, 1, 0], [1, 4, 4], [1, 2, 2], { begin_mask: 5, end_mask: 5 }],
    ['negative bounds x[:, -3:-1]', [2, 6, 2], [0, -3], [0, -1], [1, 1], { begin_mask: 1, end_mask: 1 }],
    ['reversed x[:, ::-1] (begin and end masks)', [2, 5], [0, 0], [0, 0], [1, -1], { begin_mask: 3, end_mask: 3 }],
    ['reversed with bounds x[:, 3:0:-2]', [2, 5], [0, 3], [0, 0], [1, -2], { begin_mask: 1, end_mask: 1 }],
    ['shrink: the class token x[:, 0]', [2, 4, 3], [0, 0], [0, 1], [1, 1], { begin_mask: 1, end_mask: 1, shrink_axis_mask: 2 }],
    ['new axis and ellipsis x[..., None, 1:]', [2, 3, 4], [0, 0, 1], [0, 0, 0], [1, 1, 1], { ellipsis_mask: 1, new_axis_mask: 2, end_mask: 4 }],
  ];
  it.each(cases)('StridedSlice %s', async (label, shape, begin, end, strides, masks) => {
    const artifacts = strided(shape, begin, end, strides, masks);
    expect(importGraphModel(artifacts).graph.nodes.some((n) => n.op === 'slice')).toBe(true);
    await expectLikeTfjs(artifacts, label);
  });

  it('Split (num_split 2 on the channels) and SplitV (sizes 1, -1, 2 on H)', async () => {
    await expectLikeTfjs(
      model(
        [1, 4, 3, 6],
        [
          { name: 'caxis', shape: [], values: [3], dtype: 'int32' },
          { name: 'haxis', shape: [], values: [1], dtype: 'int32' },
          { name: 'sizes', shape: [3], values: [1, -1, 2], dtype: 'int32' },
        ],
        [
          { name: 'sp', op: 'Split', input: ['caxis', 'x'], attr: { T: f32, num_split: { i: '2' } } },
          { name: 'sv', op: 'SplitV', input: ['sp:1', 'sizes', 'haxis'], attr: { T: f32, Tlen: i32, num_split: { i: '3' } } },
          { name: 'a', op: 'Relu', input: ['sp'], attr: { T: f32 } },
          { name: 'p', op: 'Relu', input: ['sv'], attr: { T: f32 } },
          { name: 'q', op: 'Relu', input: ['sv:1'], attr: { T: f32 } },
          { name: 'r', op: 'Relu', input: ['sv:2'], attr: { T: f32 } },
        ],
      ),
      'split',
    );
  });
});

describe('GraphModel peak decoding (centernet) matches tfjs-converter', () => {
  // 4 class heatmaps on a 6x6 grid: the local maxima of a 3x3 max-pool (Equal, Cast), the 5 best
  // peaks over every class and cell (TopKV2), the class and the cell of each (int32 FloorMod and
  // FloorDiv), the row and column of the cell, and the 4 box values of x at each cell (GatherV2 of
  // a computed [36, 4] value on axis 0).
  const consts: ConstSpec[] = [
    { name: 'flat_shape', shape: [2], values: [1, 144], dtype: 'int32' },
    { name: 'k', shape: [], values: [5], dtype: 'int32' },
    { name: 'classes', shape: [], values: [4], dtype: 'int32' },
    { name: 'width', shape: [], values: [6], dtype: 'int32' },
    { name: 'cells_shape', shape: [2], values: [36, 4], dtype: 'int32' },
    { name: 'vec_shape', shape: [1], values: [5], dtype: 'int32' },
    { name: 'axis0', shape: [], values: [0], dtype: 'int32' },
  ];
  const nodes: TfNodeJson[] = [
    { name: 'heat', op: 'Sigmoid', input: ['x'], attr: { T: f32 } },
    { name: 'pooled', op: 'MaxPool', input: ['heat'], attr: { T: f32, ksize: ints(1, 3, 3, 1), strides: ints(1, 1, 1, 1), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } } },
    { name: 'is_peak', op: 'Equal', input: ['heat', 'pooled'], attr: { T: f32, incompatible_shape_error: { b: true } } },
    { name: 'peak_f', op: 'Cast', input: ['is_peak'], attr: { SrcT: { type: 'DT_BOOL' }, DstT: f32, Truncate: { b: false } } },
    { name: 'kept', op: 'Mul', input: ['heat', 'peak_f'], attr: { T: f32 } },
    { name: 'flat', op: 'Reshape', input: ['kept', 'flat_shape'], attr: { T: f32, Tshape: i32 } },
    { name: 'top', op: 'TopKV2', input: ['flat', 'k'], attr: { T: f32, sorted: { b: true } } },
    { name: 'cls', op: 'FloorMod', input: ['top:1', 'classes'], attr: { T: i32 } },
    { name: 'cell', op: 'FloorDiv', input: ['top:1', 'classes'], attr: { T: i32 } },
    { name: 'row', op: 'FloorDiv', input: ['cell', 'width'], attr: { T: i32 } },
    { name: 'col', op: 'FloorMod', input: ['cell', 'width'], attr: { T: i32 } },
    { name: 'row_f', op: 'Cast', input: ['row'], attr: { SrcT: i32, DstT: f32, Truncate: { b: false } } },
    { name: 'col_f', op: 'Cast', input: ['col'], attr: { SrcT: i32, DstT: f32, Truncate: { b: false } } },
    { name: 'cls_f', op: 'Cast', input: ['cls'], attr: { SrcT: i32, DstT: f32, Truncate: { b: false } } },
    { name: 'cells', op: 'Reshape', input: ['x', 'cells_shape'], attr: { T: f32, Tshape: i32 } },
    { name: 'cell_v', op: 'Reshape', input: ['cell', 'vec_shape'], attr: { T: i32, Tshape: i32 } },
    { name: 'boxes', op: 'GatherV2', input: ['cells', 'cell_v', 'axis0'], attr: { Tparams: f32, Tindices: i32, Taxis: i32, batch_dims: { i: '0' } } },
    { name: 'scores', op: 'Identity', input: ['top'], attr: { T: f32 } },
  ];

  it('MaxPool, Equal, Cast of a bool, TopKV2, int32 FloorMod and FloorDiv, GatherV2 of a computed value', async () => {
    const artifacts = model([1, 6, 6, 4], consts, nodes);
    await expectLikeTfjs(artifacts, 'peak decoding');
    const imported = importGraphModel(artifacts);
    const ops = new Set(imported.graph.nodes.map((n) => n.op));
    for (const op of ['equal', 'topK', 'floorDiv', 'gatherNd']) expect([op, ops.has(op)]).toEqual([op, true]);
    // The bool of Equal is the equal's 1/0 in float32, so its Cast to float adds no node.
    expect(imported.graph.nodes.filter((n) => n.op === 'cast').map((n) => n.name)).toEqual(['row_f', 'col_f', 'cls_f']);
  });

  it('a FloorMod of floats and a TopKV2 with a computed k are refused naming the node', () => {
    const floatMod = model([1, 6], [{ name: 'two', shape: [], values: [2] }], [{ name: 'rem', op: 'FloorMod', input: ['x', 'two'], attr: { T: f32 } }]);
    expect(() => importGraphModel(floatMod)).toThrow(/node 'rem' \(FloorMod\).*FloorMod of float values.*FloorMod of int32 values/s);
    const computedK = model(
      [1, 6],
      [{ name: 'axis1', shape: [], values: [1], dtype: 'int32' }],
      [
        { name: 'best', op: 'ArgMax', input: ['x', 'axis1'], attr: { T: f32, Tidx: i32, output_type: i32 } },
        { name: 'top', op: 'TopKV2', input: ['x', 'best'], attr: { T: f32, sorted: { b: true } } },
      ],
    );
    expect(() => importGraphModel(computedK)).toThrow(/node 'top' \(TopKV2\).*computed k.*a constant k/s);
  });
});
