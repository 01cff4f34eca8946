/**
 * ONNX ModelProto -> validated IR graph.
 *
 * One walk over the nodes in topological order. Each node is, in this order of preference:
 *   folded     all inputs constant (or Shape/Size of a value whose static shape is known), so
 *              PyTorch's shape subgraphs and weight preprocessing become constants;
 *   fused      the anchor of a pattern the IR has as one op (erf gelu, decomposed layerNorm, silu);
 *   converted  by its converter in ./convert;
 *   pending    none of the above (yet). A pending value is an error only if something that is
 *              finally needed reads it; then the error names the op, the node and the supported list.
 * Then skip connections become merge nodes (./skips), dead nodes go, and the core validator runs.
 */
import { FileFormatError, GraphError, IndexHeap, SkipconnError, UnsupportedError, clipUserText, tensor, validateGraph, type DType, type Graph, type HostTensor, type ValidatedGraph } from '@skipconn/core';
import type { ModelProto, NodeProto, TensorProto } from '../proto/types';
import { DATA_TYPE_NAMES } from '../proto/types';
import { DEFAULT_MAX_TENSOR_BYTES, checkedElementCount, dtypeOfOnnx, tensorFromProto, type TensorLimits } from '../tensor';
import { nodeRef } from './attrs';
import { ImportContext } from './context';
import { CONVERTERS } from './convert';
import { FOLDABLE, foldNode } from './fold';
import { FUSERS } from './fuse';
import { recognizeSkips, removeDeadNodes } from './skips';

/** Reads the bytes of a tensor stored outside the model (see ./node for the file-system version). */
export type ExternalDataReader = (location: string, offset: number, length: number | undefined, tensor: string) => Uint8Array;

export interface ImportOptions {
  /** File name for error messages. */
  readonly file?: string;
  /** Concrete shapes for inputs with symbolic or unknown dims, by input name. */
  readonly inputShapes?: Readonly<Record<string, readonly number[]>>;
  /** Size bound to a symbolic first (batch) dim when inputShapes does not give one (default 1). */
  readonly batch?: number;
  /** Largest single tensor in bytes (default 1 GiB). */
  readonly maxTensorBytes?: number;
  /** Needed for models with external data; without it such models are refused. */
  readonly externalData?: ExternalDataReader;
  /**
   * Graph inputs to freeze to constant values, by name: they are folded like initializers (shape,
   * axes or scales that a model takes as inputs), and the imported graph no longer has them.
   */
  readonly constants?: Readonly<Record<string, HostTensor>>;
  /** Turn skip patterns into merge nodes (default true). */
  readonly recognizeSkips?: boolean;
}

export interface ImportResult {
  readonly graph: Graph;
  readonly weights: Map<string, HostTensor>;
  readonly validated: ValidatedGraph;
  /** ONNX facts of the source model. */
  readonly source: { readonly opset: number; readonly irVersion: number; readonly producer: string };
}

export const MIN_IMPORT_OPSET = 1;
export const MAX_IMPORT_OPSET = 23;

/** Graph inputs must hold a dtype the IR has exactly (no widening of what the caller feeds). */
const INPUT_TYPES = new Set([1, 10, 11, 6, 7, 2, 9]);

/** Every ONNX op type the importer handles: converted, folded when constant, or fused. */
export const SUPPORTED_ONNX_OPS: readonly string[] = [...new Set([...Object.keys(CONVERTERS), 'Constant', 'Shape', 'Size', ...FOLDABLE, 'Erf (GELU pattern)', 'ReduceMean/Pow/Sqrt (LayerNorm pattern)'])].sort();

function defaultOpset(model: ModelProto, file: string): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (entry === undefined) throw new FileFormatError(file, 'the model imports no opset of the default ONNX domain');
  if (entry.version < MIN_IMPORT_OPSET || entry.version > MAX_IMPORT_OPSET) {
    throw new UnsupportedError(`opset ${entry.version}`, {}, [`opsets ${MIN_IMPORT_OPSET} to ${MAX_IMPORT_OPSET} of the default domain`]);
  }
  return entry.version;
}

function topoSort(nodes: readonly NodeProto[]): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o !== '' && producer.set(o, i)));
  // Fast path: ONNX requires topological order and exporters write it.
  if (nodes.every((n, i) => n.input.every((v) => v === '' || !producer.has(v) || producer.get(v)! < i))) return [...nodes];
  // Kahn's algorithm over distinct producer -> reader edges, O((nodes + edges) log nodes).
  const indegree = new Array<number>(nodes.length).fill(0);
  const readers: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const p of new Set(n.input.filter((v) => v !== '' && producer.has(v)).map((v) => producer.get(v)!))) {
      indegree[i]!++;
      readers[p]!.push(i);
    }
  });
  const ready = new IndexHeap();
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const order: NodeProto[] = [];
  // Keep the file's order where it already is topological: always take the lowest ready index.
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!);
    for (const r of readers[i]!) if (--indegree[r]! === 0) ready.push(r);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes[indegree.findIndex((d) => d > 0)]!;
    throw new GraphError('GRAPH_INVALID', nodeRef(stuck), 'the ONNX graph has a cycle', { expected: 'a directed acyclic graph', received: `a cycle through '${clipUserText(stuck.name || stuck.opType)}'` });
  }
  return order;
}

/**
 * Every value is defined once, as onnx.checker requires (single static assignment): no two
 * initializers, graph inputs or node outputs share a name, and no node output reuses the name of
 * an input or initializer. The one exception is an initializer that is also listed as a graph
 * input (IR version < 4 lists them so; the initializer is the input's default).
 */
function checkSingleAssignment(g: NonNullable<ModelProto['graph']>, file: string): void {
  const refuse = (name: string, first: string, second: string): never => {
    throw new FileFormatError(
      file,
      `value '${clipUserText(name)}' is defined twice, by ${first} and by ${second}; expected each value defined once (ONNX graphs are in single static assignment form, as onnx.checker requires)`,
    );
  };
  const definedBy = new Map<string, string>();
  for (const t of g.initializer) {
    if (t.name === '') continue; // reported as a nameless initializer
    const prior = definedBy.get(t.name);
    if (prior !== undefined) refuse(t.name, prior, 'another initializer');
    definedBy.set(t.name, 'an initializer');
  }
  const inputs = new Set<string>();
  for (const i of g.input) {
    if (inputs.has(i.name)) refuse(i.name, 'a graph input', 'another graph input');
    inputs.add(i.name);
    if (!definedBy.has(i.name)) definedBy.set(i.name, 'a graph input');
  }
  for (const n of g.node) {
    for (const o of n.output) {
      if (o === '') continue;
      const prior = definedBy.get(o);
      if (prior !== undefined) refuse(o, prior, `an output of node '${clipUserText(n.name || n.opType)}'`);
      definedBy.set(o, `an output of node '${clipUserText(n.name || n.opType)}'`);
    }
  }
}

function readTensor(t: TensorProto, file: string, limits: TensorLimits, external: ExternalDataReader | undefined): HostTensor {
  if (t.dataLocation !== 1 && t.externalData.length === 0) return tensorFromProto(t, file, limits);
  if (external === undefined) throw new FileFormatError(file, `tensor '${t.name}' has external data, which needs the model's folder (load the model from a file)`, t.offset);
  const entry = (k: string) => t.externalData.find((e) => e.key === k)?.value;
  const location = entry('location');
  if (location === undefined || location === '') throw new FileFormatError(file, `tensor '${t.name}': external data without a location`, t.offset);
  const int = (k: string): number | undefined => {
    const v = entry(k);
    if (v === undefined) return undefined;
    if (!/^\d{1,15}$/.test(v)) throw new FileFormatError(file, `tensor '${t.name}': external data ${k} '${v}' is not a non-negative integer`, t.offset);
    return Number(v);
  };
  const dtype = dtypeOfOnnx(t.dataType);
  if (dtype === undefined) return tensorFromProto(t, file, limits); // reports the unsupported type
  // Check the declared size against the caps before reading anything.
  const width = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8 }[t.dataType] ?? 1;
  const count = checkedElementCount(t.dims, width, `tensor '${t.name}'`, file, limits, t.offset);
  const length = int('length') ?? count * width;
  if (length !== count * width) throw new FileFormatError(file, `tensor '${t.name}': external length ${length} does not match ${count * width} bytes for [${t.dims.join(',')}]`, t.offset);
  const bytes = external(location, int('offset') ?? 0, length, t.name);
  return tensorFromProto(t, file, limits, bytes);
}

export function importModel(model: ModelProto, options: ImportOptions = {}): ImportResult {
  const file = options.file ?? '<onnx>';
  const g = model.graph;
  if (g === undefined) throw new FileFormatError(file, 'the model has no graph');
  const opset = defaultOpset(model, file);
  if (g.sparseInitializerCount > 0) throw new UnsupportedError('sparse initializers', {}, ['dense initializers']);
  const limits: TensorLimits = { maxTensorBytes: options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES };

  checkSingleAssignment(g, file);
  const allNames = new Set<string>();
  g.node.forEach((n) => n.output.forEach((o) => allNames.add(o)));
  g.input.forEach((i) => allNames.add(i.name));
  g.initializer.forEach((t) => allNames.add(t.name));
  const ctx = new ImportContext(opset, file, limits, allNames);

  for (const t of g.initializer) {
    if (t.name === '') throw new FileFormatError(file, 'an initializer has no name', t.offset);
    ctx.consts.set(t.name, readTensor(t, file, limits, options.externalData));
  }
  const nodes = topoSort(g.node);
  for (const n of nodes) {
    for (const v of new Set(n.input)) {
      if (v === '') continue;
      const list = ctx.consumers.get(v);
      if (list === undefined) ctx.consumers.set(v, [n]);
      else list.push(n);
    }
    n.output.forEach((o) => o !== '' && ctx.onnxProducers.set(o, n));
  }
  for (const input of g.input) {
    if (ctx.consts.has(input.name)) continue; // an initializer listed as an input (IR < 4): a constant
    const frozen = options.constants?.[input.name];
    if (frozen !== undefined) {
      ctx.consts.set(input.name, frozen);
      continue;
    }
    bindInput(ctx, input.name, input.type?.tensor, input.type?.other, options, file);
  }
  g.output.forEach((o) => ctx.graphOutputs.add(o.name));

  const pending = new Map<string, SkipconnError>();
  // Constant nodes first: patterns look ahead at constants that may stand later in the file.
  for (const node of nodes) {
    if (node.opType !== 'Constant' || node.output[0] === undefined) continue;
    try {
      ctx.consts.set(node.output[0], constantValue(ctx, node));
    } catch (err) {
      if (!(err instanceof SkipconnError)) throw err;
      pending.set(node.output[0], err);
    }
  }
  for (const node of nodes) {
    if (node.opType === 'Constant') continue;
    if (ctx.consumed.has(node)) continue;
    const markPending = (err: SkipconnError) => node.output.forEach((o) => o !== '' && pending.set(o, err));
    try {
      if (node.domain !== '' && node.domain !== 'ai.onnx') {
        throw new UnsupportedError(`op ${node.domain}.${node.opType}`, nodeRef(node), [`the default ONNX domain: ${SUPPORTED_ONNX_OPS.join(', ')}`]);
      }
      if (fold(ctx, node)) continue;
      // Fusers first: a pattern's anchor may read pending values that the pattern replaces.
      if (FUSERS.some((f) => f(node, ctx))) continue;
      const blocked = node.input.find((v) => pending.has(v));
      if (blocked !== undefined) {
        markPending(pending.get(blocked)!);
        continue;
      }
      const convert = Object.hasOwn(CONVERTERS, node.opType) ? CONVERTERS[node.opType] : undefined;
      if (convert === undefined) throw new UnsupportedError(`op type ${clipUserText(node.opType)}`, nodeRef(node), SUPPORTED_ONNX_OPS);
      convert(node, ctx);
    } catch (err) {
      if (!(err instanceof SkipconnError)) throw err;
      markPending(err);
    }
  }

  // Graph outputs, under their ONNX names wherever possible.
  const outputs: string[] = [];
  for (const o of g.output) {
    const err = pending.get(o.name);
    if (err !== undefined) throw err;
    let ir = ctx.values.get(o.name);
    if (ir === undefined) {
      const c = ctx.consts.get(o.name);
      if (c === undefined) throw new GraphError('GRAPH_INVALID', {}, `graph output '${o.name}' is not produced by any node`, { expected: 'a node output, input or initializer', received: `'${o.name}'` });
      ir = ctx.operand(o.name, { name: '', opType: 'output', domain: '', input: [], output: [], attribute: [] });
    }
    if (outputs.includes(ir)) {
      ir = ctx.emit('reshape', [ir], { shape: [...ctx.info(ir).shape], ...(ctx.info(ir).layout ? { layout: ctx.info(ir).layout } : {}) }, `${o.name}/copy`, o.name);
    }
    outputs.push(ir);
  }
  const outputSet = new Set(outputs);
  // Dead code first (pattern leftovers), so skip recognition sees only what computes outputs.
  removeDeadNodes(ctx, outputSet);
  if (options.recognizeSkips ?? true) recognizeSkips(ctx, outputSet);
  removeDeadNodes(ctx, outputSet);
  renameOutputs(
    ctx,
    outputs,
    g.output.map((o) => o.name),
  );

  const graph: Graph = {
    format: 'skipconn.graph',
    version: 1,
    ...(g.name ? { name: g.name } : {}),
    inputs: ctx.inputs,
    outputs,
    weights: [...ctx.weights].map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.shape] })),
    nodes: ctx.nodes.map((n) => ctx.spec(n)),
  };
  const validated = validateGraph(graph);
  return { graph, weights: ctx.weights, validated, source: { opset, irVersion: model.irVersion, producer: `${model.producerName} ${model.producerVersion}`.trim() } };
}

/** Folds a node when its result is known before run time. Returns true when it did. */
function fold(ctx: ImportContext, node: NodeProto): boolean {
  const attrs = ctx.attrs(node);
  if ((node.opType === 'Shape' || node.opType === 'Size') && node.input[0]) {
    const info = ctx.infoOf(node.input[0]);
    if (info === undefined) return false;
    if (node.opType === 'Size') {
      ctx.consts.set(node.output[0]!, tensor('int64', [], [info.shape.reduce((a, b) => a * b, 1)]));
      return true;
    }
    const rank = info.shape.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
    const dims = info.shape.slice(clamp(attrs.int('start', 0)), clamp(attrs.int('end', rank)));
    ctx.consts.set(node.output[0]!, tensor('int64', [dims.length], dims));
    return true;
  }
  if (!FOLDABLE.has(node.opType)) return false;
  const present = node.input.filter((v) => v !== '');
  if (present.length === 0 || !present.every((v) => ctx.isConst(v))) return false;
  const values = foldNode(
    node,
    node.input.map((v) => (v === '' ? undefined : ctx.const(v))),
    attrs,
    ctx.opset,
  );
  if (values === undefined) return false;
  values.forEach((v, i) => node.output[i] && ctx.consts.set(node.output[i]!, v));
  return true;
}

function constantValue(ctx: ImportContext, node: NodeProto): HostTensor {
  const a = ctx.attrs(node);
  const t = a.tensor('value');
  if (t !== undefined) return t;
  if (a.has('value_float')) return tensor('float32', [], [a.float('value_float', 0)]);
  if (a.has('value_floats')) return tensor('float32', [a.floats('value_floats')!.length], a.floats('value_floats')!);
  if (a.has('value_int')) return tensor('int64', [], [a.int('value_int', 0)]);
  if (a.has('value_ints')) return tensor('int64', [a.ints('value_ints')!.length], a.ints('value_ints')!);
  throw new UnsupportedError('a Constant without a dense numeric value', nodeRef(node), ['value', 'value_float(s)', 'value_int(s)']);
}

function bindInput(ctx: ImportContext, name: string, tensorType: { elemType: number; shape?: { value?: number; param?: string }[] } | undefined, other: string | undefined, options: ImportOptions, file: string): void {
  if (tensorType === undefined) throw new UnsupportedError(`graph input '${name}' of ${other ?? 'unknown'} type`, {}, ['tensor inputs']);
  if (!INPUT_TYPES.has(tensorType.elemType)) {
    throw new UnsupportedError(`graph input '${name}' of element type ${DATA_TYPE_NAMES[tensorType.elemType] ?? tensorType.elemType}`, {}, ['FLOAT', 'FLOAT16', 'DOUBLE', 'INT32', 'INT64', 'UINT8', 'BOOL']);
  }
  const dtype = dtypeOfOnnx(tensorType.elemType) as DType;
  const given = options.inputShapes?.[name];
  const declared = tensorType.shape;
  if (declared === undefined && given === undefined) {
    throw new SkipconnError('INPUT_INVALID', `${file}: graph input '${name}' has no declared shape; give one with inputShapes (CLI: --shape ${name}=1,3,224,224)`);
  }
  let shape: number[];
  if (given !== undefined) {
    if (declared !== undefined && (given.length !== declared.length || declared.some((d, i) => d.value !== undefined && d.value > 0 && d.value !== given[i]))) {
      throw new SkipconnError('INPUT_INVALID', `graph input '${name}': shape [${given.join(',')}] does not fit the model's [${declared.map((d) => d.value ?? d.param ?? '?').join(',')}]`);
    }
    shape = [...given];
  } else {
    shape = declared!.map((d, i) => {
      if (d.value !== undefined && d.value > 0) return d.value;
      if (d.value === 0 && d.param === undefined) return 0;
      if (i === 0) return options.batch ?? 1;
      throw new SkipconnError('INPUT_INVALID', `graph input '${name}': dim ${i} ('${d.param ?? '?'}') is not fixed; give the input's shape with inputShapes (CLI: --shape ${name}=...)`);
    });
  }
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new SkipconnError('INPUT_INVALID', `graph input '${name}': invalid shape [${shape.join(',')}]`);
  // ONNX image tensors are NCHW; marking rank-4 inputs lets image ops and layout-aware merges work.
  // An input whose only reader transposes it to NCHW (tf2onnx, Keras) is NHWC.
  const readers = ctx.consumers.get(name) ?? [];
  const perm = readers.length === 1 && readers[0]!.opType === 'Transpose' ? ctx.attrs(readers[0]!).ints('perm')?.join() : undefined;
  const layout = shape.length !== 4 ? undefined : perm === '0,3,1,2' ? ('NHWC' as const) : ('NCHW' as const);
  ctx.addInput(name, { dtype, shape, ...(layout ? { layout } : {}) });
}

/**
 * Gives IR graph outputs the ONNX output names where the IR value differs (an Identity or a
 * Dropout made the ONNX output an alias): the producing node's output is renamed throughout.
 */
function renameOutputs(ctx: ImportContext, outputs: string[], onnxNames: readonly string[]): void {
  outputs.forEach((ir, i) => {
    const want = onnxNames[i]!;
    if (ir === want || (ctx.infos.has(want) && ctx.producers.get(want) !== undefined && ctx.nodes.some((n) => n.outputs.includes(want)))) return;
    const producer = ctx.nodes.find((n) => n.outputs.includes(ir));
    if (producer === undefined || outputs.filter((o) => o === ir).length > 1 || ctx.inputs.some((inp) => inp.name === want) || ctx.weights.has(want)) return;
    producer.outputs = producer.outputs.map((o) => (o === ir ? want : o));
    for (const n of ctx.nodes) n.inputs = n.inputs.map((v) => (v === ir ? want : v));
    ctx.infos.set(want, ctx.infos.get(ir)!);
    outputs[i] = want;
  });
}
