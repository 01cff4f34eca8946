/**
 * Adapter registry: packages register factories by name; the CLI and conformance resolve them.
 * Higher priority sorts first in listings and wins in resolveAdapter().
 *
 * The `reference` adapter is built in (no import has to run for it, so bundlers may drop any
 * module they like). The registry is one per process, kept on globalThis: an adapter package
 * registers into the same registry whichever copy of @skipconn/core it was installed with (the
 * ES module and CommonJS builds, or a globally installed CLI beside separately installed adapters).
 */
import { SkipconnError, clipUserText } from '../errors';
import { REFERENCE_ADAPTER, createReferenceAdapter } from '../reference/adapter';
import type { Adapter, AdapterFactory } from './types';

export interface AdapterRegistration {
  readonly name: string;
  readonly factory: AdapterFactory;
  readonly priority: number;
  /** One line: what runs underneath. */
  readonly description: string;
}

const REGISTRY_KEY = Symbol.for('skipconn.adapter-registry');

function sharedRegistry(): Map<string, AdapterRegistration> {
  const holder = globalThis as { [REGISTRY_KEY]?: Map<string, AdapterRegistration> };
  let map = holder[REGISTRY_KEY];
  if (map === undefined) {
    map = new Map();
    map.set(REFERENCE_ADAPTER, { name: REFERENCE_ADAPTER, factory: createReferenceAdapter, priority: 100, description: 'float64 reference evaluator in plain TypeScript (the oracle)' });
    holder[REGISTRY_KEY] = map;
  }
  return map;
}

const registry = sharedRegistry();

/**
 * Adds an adapter under `name`. A second registration with the same name, priority and
 * description is accepted and changes nothing (the first stays): both module formats of one
 * adapter package, or two installed copies of it, may load in one process and both register.
 * Any other registration under a taken name is refused, so two different adapters can never
 * silently replace one another.
 */
export function registerAdapter(name: string, factory: AdapterFactory, priority = 0, description = ''): void {
  const existing = registry.get(name);
  if (existing !== undefined) {
    if (existing.priority === priority && existing.description === description) return;
    throw new SkipconnError(
      'USAGE',
      `adapter '${clipUserText(name)}' is already registered: expected a new name or the same registration (priority ${existing.priority}, "${clipUserText(existing.description)}"), received priority ${priority}, "${clipUserText(description)}"`,
    );
  }
  registry.set(name, { name, factory, priority, description });
}

export function registeredAdapters(): AdapterRegistration[] {
  return [...registry.values()].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
}

export async function createAdapter(name: string): Promise<Adapter> {
  const reg = registry.get(name);
  if (reg === undefined) {
    throw new SkipconnError(
      'USAGE',
      `unknown adapter '${name}': expected one of ${registeredAdapters()
        .map((r) => r.name)
        .join(', ')}`,
    );
  }
  return reg.factory();
}

export interface Availability {
  readonly name: string;
  readonly available: boolean;
  readonly reason?: string;
  readonly fix?: string;
}

/** Tries init() on an adapter and disposes it again; reports why it is unavailable. */
export async function probeAdapter(name: string): Promise<Availability> {
  let adapter: Adapter | undefined;
  try {
    adapter = await createAdapter(name);
    await adapter.init();
    return { name, available: true };
  } catch (err) {
    // By code, not class: the error may come from another copy of core (see above).
    const e = err as { code?: unknown; reason?: unknown; fix?: unknown };
    if (e?.code === 'ADAPTER_UNAVAILABLE' && typeof e.reason === 'string') return { name, available: false, reason: e.reason, ...(typeof e.fix === 'string' ? { fix: e.fix } : {}) };
    return { name, available: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await adapter?.dispose().catch(() => undefined);
  }
}
