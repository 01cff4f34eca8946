/**
 * Every error a user can cause is a SkipconnError: it carries a stable code and the facts
 * (node, op, expected, received, file, offset) so the CLI can print one clear line and exit 2
 * without a stack trace. Anything that is not a SkipconnError is a bug in skipconn.
 */

export type ErrorCode =
  | 'GRAPH_INVALID'
  | 'SHAPE_MISMATCH'
  | 'ATTRIBUTE_INVALID'
  | 'UNKNOWN_OP'
  | 'UNSUPPORTED'
  | 'FILE_FORMAT'
  | 'FILE_IO'
  | 'ADAPTER_UNAVAILABLE'
  | 'INPUT_INVALID'
  | 'USAGE';

export class SkipconnError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where in a graph an error happened. */
export interface NodeRef {
  readonly node?: string;
  readonly op?: string;
}

export function nodeLabel(ref: NodeRef): string {
  if (ref.node !== undefined && ref.op !== undefined) return `node '${ref.node}' (${ref.op})`;
  if (ref.node !== undefined) return `node '${ref.node}'`;
  if (ref.op !== undefined) return `op ${ref.op}`;
  return 'graph';
}

/**
 * A graph, node or attribute that breaks the spec. The message always reads
 * "<node> (<op>): <problem>: expected <x>, received <y>[. <hint>]".
 */
export class GraphError extends SkipconnError {
  readonly node?: string;
  readonly op?: string;
  readonly expected?: string;
  readonly received?: string;
  readonly hint?: string;
  constructor(
    code: ErrorCode,
    ref: NodeRef,
    problem: string,
    facts: { expected?: string; received?: string; hint?: string } = {},
  ) {
    let message = `${nodeLabel(ref)}: ${problem}`;
    if (facts.expected !== undefined) message += `: expected ${facts.expected}`;
    if (facts.received !== undefined) message += `${facts.expected !== undefined ? ',' : ':'} received ${facts.received}`;
    if (facts.hint !== undefined) message += `. ${facts.hint}`;
    super(code, message);
    this.node = ref.node;
    this.op = ref.op;
    this.expected = facts.expected;
    this.received = facts.received;
    this.hint = facts.hint;
  }
}

/** A malformed, truncated or oversized file. Names the file and, where known, the byte offset. */
export class FileFormatError extends SkipconnError {
  readonly file: string;
  readonly offset?: number;
  constructor(file: string, problem: string, offset?: number) {
    super('FILE_FORMAT', `${file}${offset === undefined ? '' : ` at byte ${offset}`}: ${problem}`);
    this.file = file;
    this.offset = offset;
  }
}

/** An op (or dtype) that a runtime or importer cannot handle; lists what it can. */
export class UnsupportedError extends SkipconnError {
  constructor(what: string, ref: NodeRef, supported: readonly string[]) {
    super('UNSUPPORTED', `${nodeLabel(ref)}: ${what} is not supported; supported: ${supported.join(', ')}`);
  }
}

/** Thrown by Adapter.init() when the runtime cannot run here. `fix` says how a user enables it. */
export class AdapterUnavailableError extends SkipconnError {
  readonly adapter: string;
  readonly reason: string;
  readonly fix?: string;
  constructor(adapter: string, reason: string, fix?: string) {
    super('ADAPTER_UNAVAILABLE', `adapter ${adapter} is unavailable: ${reason}${fix ? ` (to enable: ${fix})` : ''}`);
    this.adapter = adapter;
    this.reason = reason;
    this.fix = fix;
  }
}

export function isUserError(err: unknown): err is SkipconnError {
  return err instanceof SkipconnError;
}
