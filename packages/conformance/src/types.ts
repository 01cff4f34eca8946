/**
 * The data model of the suite: case files (cases/*.json), golden files (goldens/*.json) and the
 * results and report every runner produces. Everything here is plain JSON, so a case file can be
 * read and written by any language.
 */
import type { ErrorCode, Graph } from '@skipconn/core';

export const CASES_FORMAT = 'skipconn.conformance.cases';
export const GOLDENS_FORMAT = 'skipconn.conformance.goldens';
export const FORMAT_VERSION = 1;

/** A number as JSON holds it: finite numbers, or "NaN", "Infinity", "-Infinity", "-0". */
export type EncodedNumber = number | string;

/**
 * Seeded uniform values in [low, high) (mulberry32, core's seededRandom), rounded to the value's
 * dtype, then `special` values written at flat row-major indices.
 */
export interface RandomSpec {
  readonly seed: number;
  readonly low: number;
  readonly high: number;
  readonly special?: readonly { readonly index: number; readonly value: EncodedNumber }[];
}

/** A literal, flat row-major list, or seeded random values. */
export type ValueSpec = readonly EncodedNumber[] | RandomSpec;

/** A case expecting the core to refuse the graph before any adapter runs it. */
export interface ExpectedError {
  readonly error: {
    readonly code: ErrorCode;
    /** A substring the error message must contain. */
    readonly message: string;
  };
}

/** Hand-checked values per graph output (flat row-major); the arithmetic is in the case's `why`. */
export interface ExpectedValues {
  readonly values: Readonly<Record<string, readonly EncodedNumber[]>>;
}

export type Expected = 'golden' | ExpectedValues | ExpectedError;

export interface ConformanceCase {
  /** Stable, readable, unique: `merge/residual/layerscale/NHWC/[2,8,8,16]`. */
  readonly id: string;
  /** What the case checks, one line. */
  readonly description?: string;
  /** For literal expectations: how the expected numbers were computed by hand. */
  readonly why?: string;
  /** Labels for coverage and filtering: 'nan', 'inf', 'neg-zero', 'large', 'zero-size', 'float16', ... */
  readonly tags?: readonly string[];
  /** The IR graph; weights either carry inline `data` or are filled from `init`. */
  readonly graph: Graph;
  /** Seeded values for every weight declared without data. */
  readonly init?: Readonly<Record<string, RandomSpec>>;
  /** Values for every graph input. */
  readonly inputs: Readonly<Record<string, ValueSpec>>;
  readonly expected: Expected;
}

export interface CaseFile {
  readonly format: typeof CASES_FORMAT;
  readonly version: typeof FORMAT_VERSION;
  readonly description: string;
  readonly cases: readonly ConformanceCase[];
}

/** One case as loaded: the data plus the file it came from. */
export interface LoadedCase extends ConformanceCase {
  /** Case file name without extension, e.g. 'merge-residual'. */
  readonly file: string;
}

export interface GoldenTensor {
  readonly shape: readonly number[];
  /** float64 values, flat row-major. */
  readonly values: readonly EncodedNumber[];
}

export interface GoldenEntry {
  /** sha256 of the case's graph, init and inputs (see caseHash); a mismatch means stale. */
  readonly hash: string;
  readonly outputs: Readonly<Record<string, GoldenTensor>>;
}

export interface GoldenFile {
  readonly format: typeof GOLDENS_FORMAT;
  readonly version: typeof FORMAT_VERSION;
  readonly note: string;
  readonly cases: Readonly<Record<string, GoldenEntry>>;
}

/** case id -> the reason it is expected to fail on one adapter (declared in core, beside the adapter contract). */
export type { ExpectFailMap } from '@skipconn/core';

export type CaseStatus = 'pass' | 'fail' | 'skip' | 'expected-fail';

/** The outcome of one case on one adapter; one row of the JSON report. */
export interface CaseResult {
  readonly case: string;
  readonly adapter: string;
  readonly status: CaseStatus;
  /** Largest |got - want| over finite pairs; "Infinity" when a NaN or Inf did not match; null when nothing was compared. */
  readonly maxAbsError: EncodedNumber | null;
  /** Largest |got - want| / |want| over finite, non-zero want; same encoding. */
  readonly maxRelError: EncodedNumber | null;
  /** Largest |got - want| / (atol + rtol*|want|): below 1 passes. Same encoding. */
  readonly errorRatio: EncodedNumber | null;
  /** The output and multi-dimensional index of the worst element, when values were compared. */
  readonly worst?: WorstElement;
  readonly ms: number;
  /** Why it failed, skipped or was expected to fail. */
  readonly message?: string;
}

export interface WorstElement {
  readonly output: string;
  readonly index: readonly number[];
  readonly got: EncodedNumber;
  readonly want: EncodedNumber;
}

/** Where a report was made: `report merge` keeps it next to each adapter. */
export interface MachineInfo {
  readonly host: string;
  readonly platform: string;
  readonly arch: string;
  /** "<count> x <model>" */
  readonly cpus: string;
  readonly node: string;
}

export interface AdapterEntry {
  readonly name: string;
  readonly available: boolean;
  readonly reason: string | null;
  readonly fix?: string | null;
  /** What really ran underneath: every distinct CompiledGraph.info seen (execution provider / backend), '; '-joined. */
  readonly backend?: string | null;
  /** In a merged report: the machine the adapter ran on and the report file it came from. */
  readonly machine?: MachineInfo | null;
  readonly source?: string;
  /** In a merged report: the adapter's own name, where `name` had to be made unique. */
  readonly adapter?: string;
}

export interface StatusCounts {
  pass: number;
  fail: number;
  skip: number;
  'expected-fail': number;
}

export interface ReportSummary {
  readonly cases: number;
  readonly results: number;
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
  readonly expectedFail: number;
  /** Adapters that could not run. */
  readonly unavailable: readonly string[];
  /** Unavailable adapters named in REQUIRE_ADAPTERS (or the requireAdapters option): each is a failure. */
  readonly unavailableRequired: readonly string[];
  readonly byAdapter: Readonly<Record<string, StatusCounts>>;
  /** True when nothing failed and no required adapter was missing. */
  readonly ok: boolean;
  readonly ms: number;
}

export interface ConformanceReport {
  readonly format: 'skipconn.conformance.report';
  readonly version: 1;
  /** The machine it ran on (absent in reports made before this field existed). */
  readonly machine?: MachineInfo;
  /** A merged report: the files it joins, in order. */
  readonly sources?: readonly { readonly file: string; readonly format: string; readonly machine: MachineInfo | null }[];
  readonly adapters: readonly AdapterEntry[];
  readonly results: readonly CaseResult[];
  readonly summary: ReportSummary;
}
