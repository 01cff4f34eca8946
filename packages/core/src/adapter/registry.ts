/**
 * Adapter registry: packages register factories by name; the CLI and conformance resolve them.
 * Higher priority sorts first in listings and wins in resolveAdapter().
 */
import { AdapterUnavailableError, SkipconnError } from '../errors';
import type { Adapter, AdapterFactory } from './types';

export interface AdapterRegistration {
  readonly name: string;
  readonly factory: AdapterFactory;
  readonly priority: number;
  /** One line: what runs underneath. */
  readonly description: string;
}

const registry = new Map<string, AdapterRegistration>();

export function registerAdapter(name: string, factory: AdapterFactory, priority = 0, description = ''): void {
  registry.set(name, { name, factory, priority, description });
}

export function registeredAdapters(): AdapterRegistration[] {
  return [...registry.values()].sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
}

export async function createAdapter(name: string): Promise<Adapter> {
  const reg = registry.get(name);
  if (reg === undefined) {
    throw new SkipconnError('USAGE', `unknown adapter '${name}': expected one of ${registeredAdapters().map((r) => r.name).join(', ')}`);
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
    if (err instanceof AdapterUnavailableError) return { name, available: false, reason: err.reason, fix: err.fix };
    return { name, available: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await adapter?.dispose().catch(() => undefined);
  }
}
