/**
 * The one place that reaches into jest-circus. Jest collects tests synchronously and has no public
 * way to skip a test once collection is over (jestjs/jest#8604), but adapter availability is only
 * known after an async init(). jest-circus keeps its test tree in a global state object whose test
 * entries it reads again when each test starts (`mode === 'skip'`) and whose children list it
 * reads after the describe block's beforeAll hooks. So a beforeAll may mark tests skipped, rename
 * them (the title carries the reason) or drop them.
 *
 * Everything here is feature-detected: under another runner, or if jest changes its internals,
 * currentDescribeBlock() returns undefined and describeConformance falls back to tests that pass
 * after printing why they did nothing.
 */

export interface CircusTest {
  readonly type: 'test';
  name: string;
  mode?: string;
}

export interface CircusBlock {
  readonly type: 'describeBlock';
  children: (CircusTest | CircusBlock)[];
}

interface CircusState {
  readonly currentDescribeBlock?: CircusBlock;
}

function circusState(): CircusState | undefined {
  const sym = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
  return sym === undefined ? undefined : ((globalThis as Record<symbol, unknown>)[sym] as CircusState | undefined);
}

/** The describe block being collected right now (call inside a describe callback). */
export function currentDescribeBlock(): CircusBlock | undefined {
  const block = circusState()?.currentDescribeBlock;
  return block !== undefined && Array.isArray(block.children) ? block : undefined;
}

/** The test entry added by the last test() call in `block`. */
export function lastTest(block: CircusBlock | undefined): CircusTest | undefined {
  const last = block?.children[block.children.length - 1];
  return last !== undefined && last.type === 'test' && typeof last.name === 'string' ? last : undefined;
}

/** Marks a collected test skipped, with a new title that says why. */
export function skipTest(t: CircusTest, title: string): void {
  t.mode = 'skip';
  t.name = title;
}

/** Removes collected tests from their block so they are neither run nor reported. */
export function dropTests(block: CircusBlock, tests: ReadonlySet<CircusTest>): void {
  const keep = block.children.filter((c) => !(c.type === 'test' && tests.has(c)));
  block.children.splice(0, block.children.length, ...keep);
}
