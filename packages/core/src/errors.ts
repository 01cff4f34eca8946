/**
 * Every error a user can cause is a SkipconnError: it carries a stable code and the facts
 * (node, op, expected, received, file, offset) so the CLI can print one clear line and exit 2
 * without a stack trace. Anything that is not a SkipconnError is a bug in skipconn.
 */

export type ErrorCode = 'GRAPH_INVALID' | 'SHAPE_MISMATCH' | 'ATTRIBUTE_INVALID' | 'UNKNOWN_OP' | 'UNSUPPORTED' | 'FILE_FORMAT' | 'FILE_IO' | 'ADAPTER_UNAVAILABLE' | 'INPUT_INVALID' | 'PACKAGE_MISSING' | 'USAGE';

/**
 * Every SkipconnError carries this brand, so errors thrown by another copy of @skipconn/core in
 * the same process (its CommonJS and ES module builds, or a globally installed CLI beside an
 * adapter package with a core of its own) are still recognised (see Symbol.hasInstance below).
 */
const USER_ERROR = Symbol.for('skipconn.user-error');

export class SkipconnError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * `err instanceof AdapterUnavailableError` (or any class here) also holds for an error made by
   * another copy of @skipconn/core in this process (its other module format, or an adapter
   * package installed with a core of its own): such an error carries the shared brand and a class
   * of the same name in its prototype chain.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[USER_ERROR] !== true) return false;
    for (let proto = Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null; proto !== null; proto = Object.getPrototypeOf(proto) as typeof proto) {
      if (proto.constructor?.name === this.name) return true;
    }
    return false;
  }
}

/** Where in a graph an error happened. */
export interface NodeRef {
  readonly node?: string;
  readonly op?: string;
}

export function nodeLabel(ref: NodeRef): string {
  // Names and op types come from files: clipped so a huge one cannot blow up the message.
  const node = ref.node === undefined ? undefined : clipUserText(String(ref.node));
  const op = ref.op === undefined ? undefined : clipUserText(String(ref.op));
  if (node !== undefined && op !== undefined) return `node '${node}' (${op})`;
  if (node !== undefined) return `node '${node}'`;
  if (op !== undefined) return `op ${op}`;
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
  constructor(code: ErrorCode, ref: NodeRef, problem: string, facts: { expected?: string; received?: string; hint?: string } = {}) {
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

/** Longest user-supplied string an error message quotes whole. */
export const MAX_QUOTED_CHARS = 200;

/**
 * A user-supplied string (a name, a path, a value) as an error message may quote it: at most
 * MAX_QUOTED_CHARS characters, then an ellipsis and the full length, so a 50 MB input name
 * cannot become a 100 MB message.
 */
export function clipUserText(text: string, max = MAX_QUOTED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

/** Any user-supplied value quoted as JSON for a message, clipped (never throws, never recurses deeply). */
export function quoteUserValue(value: unknown, max = MAX_QUOTED_CHARS): string {
  if (typeof value === 'string') return clipUserText(JSON.stringify(value), max + 2);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    // Quote only the first items, so a huge or deeply nested list is never serialized whole.
    // Written as JSON.stringify would for a short flat list ("[1,2]").
    const item = (v: unknown): string =>
      v !== null && typeof v === 'object' ? (Array.isArray(v) ? '[...]' : '{...}') : typeof v === 'string' ? JSON.stringify(clipUserText(v, 40)) : v === undefined ? 'null' : (JSON.stringify(v) ?? String(v));
    const head = value.slice(0, 16).map(item);
    return clipUserText(`[${head.join(',')}${value.length > 16 ? `,... (${value.length} items)` : ''}]`, max);
  }
  const keys = Object.keys(value);
  return clipUserText(
    `an object with keys ${keys
      .slice(0, 8)
      .map((k) => JSON.stringify(clipUserText(k, 40)))
      .join(', ')}${keys.length > 8 ? ', ...' : ''}`,
    max,
  );
}

/**
 * An optional package (a runtime peer) that a feature needs and that is not installed. The
 * message names the package and the install command; the CLI treats it as a user error (exit 2).
 */
export class MissingPackageError extends SkipconnError {
  readonly package: string;
  readonly install: string;
  constructor(feature: string, pkg: string, install = `npm install ${pkg}`) {
    super('PACKAGE_MISSING', `${feature} needs ${pkg}, which is not installed (${install})`);
    this.package = pkg;
    this.install = install;
  }
}

/** Whether `err` is Node's "cannot find module" for `pkg` itself (not for something `pkg` imports). */
export function isModuleNotFound(err: unknown, pkg: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (e.code !== 'MODULE_NOT_FOUND' && e.code !== 'ERR_MODULE_NOT_FOUND') return false;
  return typeof e.message === 'string' && (e.message.includes(`'${pkg}'`) || e.message.includes(`"${pkg}"`) || e.message.includes(`'${pkg}/`));
}

/**
 * Imports an optional peer package: a MissingPackageError naming `feature` and the install
 * command when it is not installed; any other failure (installed but broken) is rethrown.
 * `import()` of a CommonJS package gives its exports as `default`; that object is returned then,
 * so callers see the same module whichever module system loaded it.
 */
export async function importPeer<T>(feature: string, pkg: string, load: () => Promise<T>, install?: string): Promise<T> {
  let ns: T;
  try {
    ns = await load();
  } catch (err) {
    if (isModuleNotFound(err, pkg)) throw new MissingPackageError(feature, pkg, install);
    throw err;
  }
  const exportsObject = (ns as { default?: unknown }).default;
  return (exportsObject !== null && typeof exportsObject === 'object' ? exportsObject : ns) as T;
}

Object.defineProperty(SkipconnError.prototype, USER_ERROR, { value: true });

export function isUserError(err: unknown): err is SkipconnError {
  return err instanceof SkipconnError;
}
