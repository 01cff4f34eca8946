/**
 * Errors as they cross a process, thread or page boundary (a worker's postMessage, Node's IPC
 * channel, playwright's page.evaluate). A thrown error becomes a plain object of strings and
 * numbers, valid both as JSON and for structured clone, and comes back on the other side as the
 * same SkipconnError class with the same code, message and facts, so the CLI still classifies it
 * as a user error (exit 2) and callers can still read `reason`, `node`, `file`, ...
 *
 * Platform-neutral: used by Node workers and child processes and by the browser harness page.
 */
import { AdapterUnavailableError, FileFormatError, GraphError, MissingPackageError, SkipconnError, UnsupportedError, type ErrorCode } from './errors';

/** A thrown value on the wire. Optional fields are present only where the error had them. */
export interface WireError {
  /** The error's class name: one of core's SkipconnError classes, or any other Error's `name`. */
  readonly name: string;
  readonly message: string;
  /** The stack where it was thrown (errors that are not SkipconnErrors: those are bugs, and the stack finds them). */
  readonly stack?: string;
  /** Present exactly when the error is a SkipconnError. */
  readonly code?: ErrorCode;
  /** AdapterUnavailableError. */
  readonly adapter?: string;
  readonly reason?: string;
  readonly fix?: string;
  /** GraphError. */
  readonly node?: string;
  readonly op?: string;
  readonly expected?: string;
  readonly received?: string;
  readonly hint?: string;
  /** FileFormatError. */
  readonly file?: string;
  readonly offset?: number;
  /** MissingPackageError. */
  readonly package?: string;
  readonly install?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Copies the named fields of `from` that are set, so JSON and structured clone carry the same keys. */
function definedFields<K extends keyof WireError>(from: Partial<Record<K, unknown>>, keys: readonly K[]): Partial<Mutable<WireError>> {
  const out: Partial<Record<keyof WireError, unknown>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out as Partial<Mutable<WireError>>;
}

/**
 * The wire form of anything thrown. A SkipconnError subclass defined outside core (the CLI's
 * usage error, say) travels as the core class it extends. `instanceof` also recognises errors of
 * another copy of core in the process (see SkipconnError).
 */
export function encodeError(err: unknown): WireError {
  if (err instanceof SkipconnError) {
    const base = { message: err.message, code: err.code };
    if (err instanceof AdapterUnavailableError) return { name: 'AdapterUnavailableError', ...base, ...definedFields(err, ['adapter', 'reason', 'fix']) };
    if (err instanceof GraphError) return { name: 'GraphError', ...base, ...definedFields(err, ['node', 'op', 'expected', 'received', 'hint']) };
    if (err instanceof FileFormatError) return { name: 'FileFormatError', ...base, ...definedFields(err, ['file', 'offset']) };
    if (err instanceof MissingPackageError) return { name: 'MissingPackageError', ...base, ...definedFields(err, ['package', 'install']) };
    if (err instanceof UnsupportedError) return { name: 'UnsupportedError', ...base };
    return { name: 'SkipconnError', ...base };
  }
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  return { name: 'Error', message: String(err) };
}

export interface DecodeErrorOptions {
  /**
   * The adapter name an AdapterUnavailableError is reported under on this side, when it differs
   * from the one that threw it (a proxy adapter named after the real one: 'webgpu@chromium').
   * The message is rebuilt with it.
   */
  readonly adapter?: string;
  /**
   * Where the error came from ('webgpu worker'). When given, an error that is not a
   * SkipconnError (a bug) has the remote stack appended to its message, because the local stack
   * of the rebuilt error says nothing about where it happened.
   */
  readonly origin?: string;
}

/** The message of a rebuilt error is the original one, whatever its constructor would have written. */
function withMessage<E extends Error>(err: E, message: string): E {
  err.message = message;
  return err;
}

/** Rebuilds a thrown error from its wire form: the same class, code, message and facts. */
export function decodeError(wire: WireError, options: DecodeErrorOptions = {}): Error {
  const { name, message, code } = wire;
  if (code !== undefined) {
    switch (name) {
      case 'AdapterUnavailableError': {
        const adapter = options.adapter ?? wire.adapter;
        // The message is the constructor's own, so a renamed adapter reads right in it too.
        if (adapter !== undefined && wire.reason !== undefined) return new AdapterUnavailableError(adapter, wire.reason, wire.fix);
        break;
      }
      case 'GraphError':
        return withMessage(new GraphError(code, { node: wire.node, op: wire.op }, '', { expected: wire.expected, received: wire.received, hint: wire.hint }), message);
      case 'FileFormatError':
        if (wire.file !== undefined) return withMessage(new FileFormatError(wire.file, '', wire.offset), message);
        break;
      case 'MissingPackageError':
        if (wire.package !== undefined) return withMessage(new MissingPackageError('', wire.package, wire.install), message);
        break;
      case 'UnsupportedError':
        return withMessage(new UnsupportedError('', {}, []), message);
    }
    return new SkipconnError(code, message);
  }
  const remoteStack = options.origin !== undefined && wire.stack !== undefined ? `\n(${options.origin}) ${wire.stack}` : '';
  const err = new Error(`${message}${remoteStack}`);
  err.name = name;
  return err;
}
