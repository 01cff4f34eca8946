/**
 * What a WebGPU adapter says about itself, as one line for `info.backend`. Platform-neutral: the
 * adapters describe the device that really runs in Node (Dawn) and in browsers alike.
 */

/** The parts of a GPUAdapter read here (structural, so no WebGPU type library is needed). */
export interface GpuAdapterLike {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
    readonly isFallbackAdapter?: boolean;
  };
  /** Where older implementations (and older Dawn builds) report it. */
  readonly isFallbackAdapter?: boolean;
}

export interface GpuAdapterDescription {
  /** Vendor, architecture, device and description, each once, in that order; '' when the adapter says none. */
  readonly name: string;
  /** A fallback adapter renders in software (SwiftShader, WARP, ...). */
  readonly isFallbackAdapter: boolean;
}

export function describeGpuAdapter(adapter: GpuAdapterLike): GpuAdapterDescription {
  const info = adapter.info ?? {};
  const words = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => typeof s === 'string' && s.length > 0);
  return { name: [...new Set(words)].join(' '), isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false };
}
