/**
 * ScatterND over constants (fold.ts): values worked out by hand from the ONNX definition
 * (output = data; output[indices[t]] = updates[t], or combined with them under a reduction).
 */
import { GraphError, tensor, toFloat64 } from '@skipconn/core';
import { NodeAttrs } from '../src/import/attrs';
import { foldNode } from '../src/import/fold';
import { AttrType, type NodeProto } from '../src/proto/types';

function scatterNode(reduction?: string): NodeProto {
  const attribute = reduction === undefined ? [] : [{ name: 'reduction', type: AttrType.STRING, s: new TextEncoder().encode(reduction), floats: [], ints: [], strings: [], tensors: [], graphs: [] }];
  return { name: 'mask/ScatterND', opType: 'ScatterND', domain: '', input: ['data', 'indices', 'updates'], output: ['y'], attribute };
}

function fold(node: NodeProto, ...inputs: Parameters<typeof foldNode>[1]) {
  const out = foldNode(node, inputs, new NodeAttrs(node, 'test.onnx', { maxTensorBytes: 1 << 20 }), 16);
  if (out === undefined) throw new Error('ScatterND did not fold');
  return out[0]!;
}

describe('ScatterND folding', () => {
  const data = tensor('float32', [3, 2], [0, 0, 0, 0, 0, 0]);

  it('replaces whole rows named by 1-element index tuples (a negative index counts from the end)', () => {
    const y = fold(scatterNode(), data, tensor('int64', [2, 1], [0, -1]), tensor('float32', [2, 2], [1, 2, 5, 6]));
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(toFloat64(y))).toEqual([1, 2, 0, 0, 5, 6]);
  });

  it('replaces single elements named by full index tuples, and combines under reduction add and mul', () => {
    const base = tensor('float32', [3, 2], [1, 1, 1, 1, 1, 1]);
    const indices = tensor('int64', [2, 2], [1, 0, 2, 1]);
    const updates = tensor('float32', [2], [4, 7]);
    expect(Array.from(toFloat64(fold(scatterNode(), base, indices, updates)))).toEqual([1, 1, 4, 1, 1, 7]);
    expect(Array.from(toFloat64(fold(scatterNode('add'), base, indices, updates)))).toEqual([1, 1, 5, 1, 1, 8]);
    expect(Array.from(toFloat64(fold(scatterNode('mul'), base, indices, tensor('float32', [2], [3, -2]))))).toEqual([1, 1, 3, 1, 1, -2]);
  });

  it('names the node, the expected updates shape and the index out of range', () => {
    expect(() => fold(scatterNode(), data, tensor('int64', [2, 1], [0, 1]), tensor('float32', [2], [1, 2]))).toThrow(/mask\/ScatterND.*\[2,2\].*received.*\[2\]/s);
    expect(() => fold(scatterNode(), data, tensor('int64', [1, 1], [3]), tensor('float32', [1, 2], [1, 2]))).toThrow(GraphError);
    expect(() => fold(scatterNode(), data, tensor('int64', [1, 1], [3]), tensor('float32', [1, 2], [1, 2]))).toThrow(/index out of range.*\[-3, 2\].*3/s);
  });
});
