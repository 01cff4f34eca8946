/** A CLI command: parses its own arguments, writes to the given streams, returns the exit code. */
import * as fs from 'fs';
import * as path from 'path';
import { SkipconnError } from '@skipconn/core';
import { writeFileAtomic } from '@skipconn/core/node';

export const EXIT_OK = 0;
/** A check failed: conformance, port --verify. */
export const EXIT_CHECK_FAILED = 1;
/** Bad input or usage. */
export const EXIT_USAGE = 2;

export interface CommandIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** True when stdout is a terminal (progress bars, colors). */
  readonly isTTY: boolean;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  run(args: readonly string[], io: CommandIO): Promise<number>;
}

export class UsageError extends SkipconnError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string[]>;
}

/**
 * Parses `--flag value`, `--flag=value` and boolean `--flag`. `booleans` names the flags that
 * take no value; any flag not in `known` is a usage error.
 */
export function parseArgs(args: readonly string[], known: readonly string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!known.includes(name) && !booleans.includes(name)) {
      throw new UsageError(`unknown option --${name}; expected one of ${[...known, ...booleans].map((k) => `--${k}`).join(', ') || 'no options'}`);
    }
    let value: string;
    if (booleans.includes(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      value = 'true';
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

export function flag(parsed: ParsedArgs, name: string): string | undefined {
  const values = parsed.flags.get(name);
  if (values !== undefined && values.length > 1) throw new UsageError(`--${name} given ${values.length} times; expected once`);
  return values?.[0];
}

/**
 * Writes a file the user named (a report, an export) atomically, creating its folder first, as
 * jest's --outputFile does: `--json reports/run.json` on a fresh checkout should not fail after a
 * whole conformance run because `reports/` is missing.
 */
export function writeOutputFile(file: string, data: Uint8Array | string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SkipconnError('FILE_IO', `${file}: cannot create its folder ${dir}${code === undefined ? '' : ` (${code}: a part of the path is a file or not writable)`}`);
  }
  writeFileAtomic(file, data);
}
