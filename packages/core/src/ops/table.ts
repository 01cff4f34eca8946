/**
 * Per-backend op tables. A backend keeps one table keyed by OpType, typed
 *
 *   const KERNELS: { readonly [K in OpType]: Kernel<K> | Unsupported } = { ... };
 *
 * so a missing op is a compile error naming the table, and an op the backend does not run is
 * declared with its reason. That reason is the only way a conformance case may skip: an adapter
 * answers `whyUnsupported` from its table, and an op it neither implements nor declares fails.
 */
const UNSUPPORTED = Symbol.for('skipconn.unsupported');

/** A table entry saying the backend does not run this op, and why (shown in skip messages). */
export interface Unsupported {
  readonly [UNSUPPORTED]: true;
  readonly reason: string;
}

export function unsupported(reason: string): Unsupported {
  return { [UNSUPPORTED]: true, reason };
}

export function isUnsupported(entry: unknown): entry is Unsupported {
  return typeof entry === 'object' && entry !== null && (entry as Partial<Unsupported>)[UNSUPPORTED] === true;
}
