/**
 * @skipconn/conformance: one data-driven suite that judges every adapter the same way.
 *
 *   - cases/ and goldens/: the data (see docs/conformance.md);
 *   - describeConformance(factory, { expectFail }): the jest entry point for an adapter's tests;
 *   - runConformance({ adapters, filter }): the programmatic runner behind `skipconn conformance`;
 *   - renderTerminalReport / renderJsonReport / renderHtmlReport: the reports.
 * Importing it registers nothing and runs nothing.
 */
export * from './types';
export * from './tolerance';
export * from './glob';
export * from './materialize';
export * from './golden';
export * from './files';
export * from './run-case';
export * from './runner';
export * from './jest';
export * from './report/terminal';
export * from './report/json';
export * from './report/html';
export * from './check';
export * from './machine';
export * from './report/merge';
