/**
 * The adapter contract. An adapter runs validated IR graphs on one runtime. It never computes
 * shapes (they come from the validated graph) and converts HostTensors only at its boundary.
 */
import type { DType, HostTensor } from '../tensor';
import type { ValidatedGraph } from '../graph/validate';
import type { WeightStore } from '../graph/types';

/** Live resources, compared before and after every conformance case to find leaks. */
export type ResourceCounts = Readonly<Record<string, number>>;

export interface CompileOptions {
  /** Adapter-specific knobs (graph optimization level, threads, ...). */
  readonly [key: string]: unknown;
}

export interface CompiledGraph {
  run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>>;
  /** What really ran: the execution provider or backend, never what was merely requested. */
  readonly info: { readonly executionProvider?: string; readonly backend?: string };
  dispose(): Promise<void>;
}

export interface Adapter {
  readonly name: string;
  /** Throws AdapterUnavailableError(reason) when the runtime cannot run here. */
  init(): Promise<void>;
  /**
   * Why this adapter does not run `op` on `dtype`, or undefined when it does. The answer comes from
   * the adapter's per-op table (an op it neither implements nor declares Unsupported is a compile
   * error there), and the reason is what a conformance case that skips prints.
   */
  whyUnsupported(op: string, dtype: DType): string | undefined;
  compile(graph: ValidatedGraph, weights: WeightStore, options?: CompileOptions): Promise<CompiledGraph>;
  resources(): ResourceCounts;
  dispose(): Promise<void>;
}

export type AdapterFactory = () => Adapter | Promise<Adapter>;

/**
 * Conformance cases an adapter is expected to fail: case id -> the reason. Declared here, beside
 * the adapter contract, because adapter packages publish their lists and may not depend on the
 * conformance package that reads them.
 */
export type ExpectFailMap = Readonly<Record<string, string>>;
