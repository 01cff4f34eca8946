/**
 * Session bookkeeping shared by the ort adapters: a CompiledGraph over one InferenceSession
 * (feeds checked and converted at the boundary, outputs copied back, every runtime tensor
 * disposed after the run), and the set of live sessions an adapter counts in resources() and
 * releases in dispose().
 */
import { SkipconnError, checkFeeds, type CompiledGraph, type HostTensor, type ResourceCounts, type ValidatedGraph } from '@skipconn/core';
import type { ModelProto } from '../proto/types';
import { fromOrtTensor } from './convert';
import type { OrtSessionLike, OrtTensorLike } from './types';

export interface OrtGraphOptions<T extends OrtTensorLike> {
  /** Adapter name, for errors. */
  readonly adapter: string;
  /** Runtime name, for errors ('onnxruntime', 'onnxruntime-web'). */
  readonly runtime: string;
  readonly graph: ValidatedGraph;
  /** The model the session was opened on (exported from `graph`: same outputs, same order). */
  readonly model: ModelProto;
  readonly info: CompiledGraph['info'];
  readonly session: OrtSessionLike<T>;
  /** HostTensor -> runtime Tensor (toOrtTensor with the adapter's runtime). */
  toOrt(t: HostTensor): T;
}

/** The live sessions of one adapter. */
export class OrtSessionSet {
  private readonly live = new Set<{ release(): Promise<void> }>();

  /** A CompiledGraph over `options.session`, counted live until it (or the set) is disposed. */
  compiled<T extends OrtTensorLike>(options: OrtGraphOptions<T>): CompiledGraph {
    const { adapter, runtime, graph, session, toOrt } = options;
    const onnxOutputs = options.model.graph!.output.map((o) => o.name);
    const live = this.live;
    live.add(session);
    let disposed = false;
    return {
      info: options.info,
      async run(feeds) {
        if (disposed) throw new SkipconnError('USAGE', `${adapter}: run() after dispose()`);
        checkFeeds(graph, feeds);
        const ortFeeds: Record<string, T> = {};
        try {
          for (const input of graph.graph.inputs) ortFeeds[input.name] = toOrt(feeds[input.name]!);
          const results = await session.run(ortFeeds);
          try {
            const out: Record<string, HostTensor> = {};
            graph.graph.outputs.forEach((irName, i) => {
              const t = results[onnxOutputs[i]!];
              if (t === undefined) throw new SkipconnError('UNSUPPORTED', `${adapter}: ${runtime} returned no output '${onnxOutputs[i]}'`);
              out[irName] = fromOrtTensor(t, irName, runtime);
            });
            return out;
          } finally {
            for (const t of Object.values(results)) t.dispose();
          }
        } finally {
          for (const t of Object.values(ortFeeds)) t.dispose();
        }
      },
      async dispose() {
        if (disposed) return;
        disposed = true;
        live.delete(session);
        await session.release();
      },
    };
  }

  resources(): ResourceCounts {
    return { sessions: this.live.size };
  }

  /** Releases every live session (the adapter's dispose()). */
  async releaseAll(): Promise<void> {
    const sessions = [...this.live];
    this.live.clear();
    await Promise.all(sessions.map((s) => s.release()));
  }
}
