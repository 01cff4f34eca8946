/**
 * The tfjs ModelReader: a tfjs `model.json` (a LayersModel's Keras functional or Sequential
 * topology, or a GraphModel's TensorFlow node list from the tfjs converter, plus its weight files)
 * imports through @skipconn/tfjs into an IR graph with NHWC values, so
 * `skipconn inspect model.json` lists its skip connections and `skipconn run model.json` runs it
 * on any adapter. @skipconn/tfjs is loaded only when such a file is read; the import itself needs
 * no tfjs runtime.
 */
import type * as TfjsNodeModule from '@skipconn/tfjs/node';
import { MissingPackageError, SkipconnError, isModuleNotFound } from '@skipconn/core';
import type { ModelReader } from './model';

export const tfjsReader: ModelReader = {
  format: 'tfjs',
  matches(file, head) {
    const text = new TextDecoder().decode(head);
    return file.toLowerCase().endsWith('.json') && !text.includes('skipconn.graph') && (text.includes('"modelTopology"') || text.includes('"layers-model"') || text.includes('"graph-model"'));
  },
  async load(file) {
    let tfjs: typeof TfjsNodeModule;
    try {
      tfjs = await import('@skipconn/tfjs/node');
    } catch (err) {
      if (isModuleNotFound(err, '@skipconn/tfjs')) throw new MissingPackageError(`reading the tfjs model ${file}`, '@skipconn/tfjs');
      throw new SkipconnError('INPUT_INVALID', `${file}: reading a tfjs model.json needs @skipconn/tfjs, which failed to load (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
    // The content, not the name, tells the two apart: both are model.json.
    const { graph, weights, validated, source } = tfjs.isGraphModelFile(file) ? tfjs.loadGraphModelFile(file) : tfjs.loadLayersModelFile(file);
    return { graph, weights, validated, ...(source.weightQuantization !== undefined ? { weightQuantization: source.weightQuantization } : {}) };
  },
};
