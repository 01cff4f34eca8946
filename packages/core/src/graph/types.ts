/**
 * The graph IR, JSON format "skipconn.graph" version 1. A DAG of named values: graph inputs,
 * weights, and node outputs. Every value has a static shape; the validator infers all of them.
 */
import type { DType, HostTensor } from '../tensor';
import type { Layout } from '../layout';

export const GRAPH_FORMAT = 'skipconn.graph';
export const GRAPH_VERSION = 1;

/** What is known about a value before anything runs. */
export interface ValueInfo {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Semantic axes (NCHW, NHWC, NC, NTC); absent for values without them. */
  readonly layout?: Layout;
}

export interface GraphInput extends ValueInfo {
  readonly name: string;
}

/** A weight declaration. `data` holds the values inline (tiny graphs); otherwise they come from `weightsFile`. */
export interface WeightSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data?: readonly (number | string)[];
}

export type Attrs = Readonly<Record<string, unknown>>;

export interface NodeSpec {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Attrs;
}

export interface Graph {
  readonly format: typeof GRAPH_FORMAT;
  readonly version: typeof GRAPH_VERSION;
  readonly name?: string;
  readonly inputs: readonly GraphInput[];
  readonly outputs: readonly string[];
  readonly weights: readonly WeightSpec[];
  /** A .safetensors file (relative to the graph file) holding weights without inline data. */
  readonly weightsFile?: string;
  readonly nodes: readonly NodeSpec[];
}

/** Weight values by name, as the adapters receive them. */
export type WeightStore = ReadonlyMap<string, HostTensor>;
