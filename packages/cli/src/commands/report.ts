/**
 * skipconn report merge <a.json> <b.json> ... [--html <file>] [--json <file>]
 *
 * Joins conformance and check JSON reports made on different machines into one matrix
 * (mergeReports in @skipconn/conformance): each adapter keeps its runtime and gains the machine
 * and file it came from. Prints the merged matrix; writes the HTML page and the merged JSON
 * atomically. Exit 0 when every merged result passed, 1 when one failed (or a report records a
 * required adapter as unavailable), 2 for bad input (a missing file, a file that is not a report).
 */
import * as path from 'path';
import { SkipconnError } from '@skipconn/core';
import { readFileChecked } from '@skipconn/core/node';
import { mergeReports, renderHtmlReport, renderJsonReport, renderTerminalReport } from '@skipconn/conformance';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError, flag, parseArgs, writeOutputFile, type Command } from '../command';

function readReport(file: string, cwd: string): { file: string; data: unknown } {
  const text = new TextDecoder().decode(readFileChecked(path.resolve(cwd, file)));
  try {
    return { file, data: JSON.parse(text) as unknown };
  } catch (err) {
    throw new SkipconnError('INPUT_INVALID', `${file}: not JSON: ${err instanceof Error ? err.message : String(err)}; expected a report written by skipconn conformance --json or skipconn check --json`);
  }
}

export const reportCommand: Command = {
  name: 'report',
  usage: 'skipconn report merge <a.json> <b.json> ... [--html <file>] [--json <file>]',
  summary: 'merge conformance and check JSON reports from several machines into one matrix',
  async run(args, io) {
    const parsed = parseArgs(args, ['html', 'json']);
    const [sub, ...files] = parsed.positional;
    if (sub !== 'merge') throw new UsageError(`expected the subcommand merge, received ${sub === undefined ? 'nothing' : `'${sub}'`}`);
    if (files.length === 0) throw new UsageError('report merge needs at least one JSON report file');
    const htmlFile = flag(parsed, 'html');
    const jsonFile = flag(parsed, 'json');
    for (const [name, file] of [
      ['--json', jsonFile],
      ['--html', htmlFile],
    ] as const) {
      if (file !== undefined && file.trim() === '') throw new UsageError(`${name} needs a file name`);
    }
    const merged = mergeReports(files.map((f) => readReport(f, io.cwd)));
    io.out(renderTerminalReport(merged, { color: io.isTTY }));
    if (jsonFile !== undefined) {
      const file = path.resolve(io.cwd, jsonFile);
      writeOutputFile(file, renderJsonReport(merged));
      io.err(`report: merged JSON written to ${file}`);
    }
    if (htmlFile !== undefined) {
      const file = path.resolve(io.cwd, htmlFile);
      writeOutputFile(file, renderHtmlReport(merged, { title: `skipconn report (${files.length} runs merged)` }));
      io.err(`report: merged HTML written to ${file}`);
    }
    return merged.summary.ok ? EXIT_OK : EXIT_CHECK_FAILED;
  },
};
