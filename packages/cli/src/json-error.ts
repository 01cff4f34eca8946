/**
 * The error object a command prints instead of its plain-text error line when `--json` is
 * given, so that scripts reading the JSON output read failures the same way:
 *
 *   { "error": { "command", "code", "message", "exitCode", "details" } }
 *
 * `code` is the SkipconnError code (USAGE, FILE_FORMAT, UNSUPPORTED, ...) or INTERNAL for a bug;
 * `details` holds the facts the error carries (node, op, expected, received, hint, file, offset,
 * adapter, reason, fix, package, install: only those it has), and for an internal error the
 * stack, which is what a bug report needs.
 */
import type { SkipconnError } from '@skipconn/core';

export interface JsonErrorReport {
  readonly error: {
    readonly command: string | null;
    readonly code: string;
    readonly message: string;
    readonly exitCode: number;
    readonly details: Readonly<Record<string, string | number | boolean>>;
  };
}

/** Whether the arguments ask for JSON output (`--json`, or conformance's `--json <file>`). */
export function wantsJson(args: readonly string[]): boolean {
  return args.some((a) => a === '--json' || a.startsWith('--json='));
}

/** The facts a user error carries as its own fields, without the ones every Error has. */
function factsOf(err: SkipconnError): Record<string, string | number | boolean> {
  const facts: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(err)) {
    if (key === 'code' || key === 'name' || key === 'message' || key === 'stack') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') facts[key] = value;
  }
  return facts;
}

export function userErrorReport(command: string | null, err: SkipconnError, exitCode: number): JsonErrorReport {
  return { error: { command, code: err.code, message: err.message, exitCode, details: factsOf(err) } };
}

export function internalErrorReport(command: string, err: unknown, exitCode: number): JsonErrorReport {
  const message = err instanceof Error ? err.message : String(err);
  const details: Record<string, string> = err instanceof Error && err.stack !== undefined ? { stack: err.stack } : {};
  return { error: { command, code: 'INTERNAL', message: `internal error (please report): ${message}`, exitCode, details } };
}
