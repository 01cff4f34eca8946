/**
 * The tfjs per-op tables: the kernels and the LayersModel export are keyed by OpType, so their
 * types name each op's attrs and a missing op is a compile error (the `@ts-expect-error` lines
 * below are checked by `npm run typecheck`, which fails if any of them stops being an error), and
 * an `unsupported(reason)` entry's reason is what the user reads.
 */
import { GraphBuilder, OP_TYPES, UnsupportedError, implementedOps, unsupported, type OpType, type Unsupported } from '@skipconn/core';
import { TFJS_KERNELS, TFJS_OPS, planLayouts, tfjsKernel, tfjsWhyUnsupported } from '../src';
import { defineTfKernel, type TfKernelConfig } from '../src/kernels/kernel';
import { EXPORTABLE_OPS, LAYERS_MODEL_EXPORTS, checkExportable, type LayersModelOpExport } from '../src/layers-model/export/plan';
import * as image from '../src/layers-model/export/ops-image';

describe('type level', () => {
  test("a kernel's attrs are its op's, a table misses no op, an emitter serves its own op only", () => {
    const clip = defineTfKernel({
      op: 'clip',
      placement: 'follow',
      compile: ({ attrs }) => {
        void (attrs.min satisfies number);
        // @ts-expect-error clip's attrs have no conv2d strides
        void attrs.strides;
        return { run: (inputs) => [...inputs] };
      },
    });
    expect(clip.op).toBe('clip');

    const { clip: _clip, ...withoutClip } = TFJS_KERNELS;
    // @ts-expect-error a kernel table without 'clip' is not a kernel table
    const incomplete: { readonly [K in OpType]: TfKernelConfig<K> | Unsupported } = withoutClip;
    expect(Object.keys(incomplete)).not.toContain('clip');

    // @ts-expect-error the conv2d emitter cannot fill the clip slot (it reads conv2d's attrs)
    const misplaced: LayersModelOpExport<'clip'> = { policy: { placement: 'follow' }, emit: image.conv2d };
    expect(misplaced.emit).toBe(image.conv2d);
  });
});

describe('tfjs kernels', () => {
  test('TFJS_OPS is the implemented part of the table, in vocabulary order, and tfjsKernel finds each', () => {
    expect(TFJS_OPS).toEqual(implementedOps(TFJS_KERNELS));
    expect(TFJS_OPS).toEqual(OP_TYPES.filter((op) => TFJS_OPS.includes(op)));
    for (const op of TFJS_OPS) expect(tfjsKernel(op)?.op).toBe(op);
    expect(tfjsKernel('nonexistent')).toBeUndefined();
  });

  test('whyUnsupported answers from the table and the dtypes', () => {
    for (const op of TFJS_OPS) expect(tfjsWhyUnsupported(op, 'float32')).toBeUndefined();
    expect(tfjsWhyUnsupported('nonexistent', 'float32')).toMatch(/'nonexistent' is not an op of the vocabulary \(residual, concat, /);
    expect(tfjsWhyUnsupported('relu', 'float64')).toMatch(/dtype float64 is not run \(this adapter runs float32, float16, int32\)/);
  });

  test("the layout planner quotes an unsupported entry's reason", () => {
    const b = new GraphBuilder('g');
    b.output(b.node('relu', [b.input('x', [2, 3], { layout: 'NC' })], {}, 'act'));
    const lookup = (op: string) => (op === 'relu' ? unsupported('relu is switched off here') : tfjsKernel(op));
    expect(() => planLayouts(b.build().validated, lookup, ['clip'])).toThrow(UnsupportedError);
    expect(() => planLayouts(b.build().validated, lookup, ['clip'])).toThrow("node 'act' (relu): op 'relu' (relu is switched off here) is not supported; supported: clip");
  });
});

describe('LayersModel export table', () => {
  const clipGraph = () => {
    const b = new GraphBuilder('g');
    b.output(b.node('clip', [b.input('x', [2, 3], { layout: 'NC' })], { min: -1, max: 1 }, 'c'));
    return b.build().validated;
  };

  test('EXPORTABLE_OPS is the implemented part of the one table', () => {
    expect(EXPORTABLE_OPS).toEqual(implementedOps(LAYERS_MODEL_EXPORTS));
    expect(() => checkExportable(clipGraph())).not.toThrow();
  });

  test("an op the export cannot write is refused with the table's reason, the node and what it can write", () => {
    const table = { ...LAYERS_MODEL_EXPORTS, clip: unsupported('Keras has no clip layer in this test table') };
    expect(() => checkExportable(clipGraph(), table)).toThrow(UnsupportedError);
    let message = '';
    try {
      checkExportable(clipGraph(), table);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^node 'c' \(clip\): op 'clip' in a LayersModel export \(Keras has no clip layer in this test table\) is not supported; supported: residual, /);
    expect(message).not.toMatch(/supported: .*\bclip\b/);
  });
});
