/// <reference types="@webgpu/types" />
/** The engine on this thread: for browsers (navigator.gpu) or a GPU object the caller provides. */
import type { ResourceCounts } from '@skipconn/core';
import { Engine, type EngineInfo } from '../engine/engine';
import { timeUploadedPlan } from '../engine/timing';
import type { EngineStats, Host } from './types';

export class LocalHost implements Host {
  private engine: Engine | undefined;

  constructor(
    private readonly gpu: GPU,
    private readonly checkKeys = false,
  ) {}

  async init(): Promise<EngineInfo> {
    this.engine = await Engine.create(this.gpu);
    this.engine.checkShaderKeys = this.checkKeys;
    return this.engine.info;
  }

  private get e(): Engine {
    if (this.engine === undefined) throw new Error('internal: webgpu host used before init()');
    return this.engine;
  }

  compile: Host['compile'] = (vg, weights, settings) => this.e.compile(vg, weights, settings);
  run: Host['run'] = (id, feeds, marks) => this.e.run(id, feeds, marks);
  time: Host['time'] = (id, feeds, options) => this.e.withUploadedPlan(id, feeds, (plan) => timeUploadedPlan(plan, options));
  release: Host['release'] = (id) => this.e.release(id);

  counts(): ResourceCounts {
    return this.engine?.counts() ?? {};
  }

  stats(): EngineStats {
    return this.engine?.stats() ?? { peakBytes: 0, pipelines: 0 };
  }

  async loseDevice(): Promise<void> {
    this.e.loseDevice();
  }

  async dispose(): Promise<void> {
    const e = this.engine;
    this.engine = undefined;
    await e?.destroy().catch(() => undefined);
  }
}
