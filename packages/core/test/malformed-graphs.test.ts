/**
 * Malformed IR graph files: every one is a typed SkipconnError naming what was expected and what
 * was received, never a TypeError, a stack overflow or a silently wrong graph. Each case is the
 * smallest edit of a valid two-node graph that shows the problem.
 */
import { SkipconnError } from '../src/errors';
import { parseGraphJson, weightsFromGraph } from '../src/graph/json';
import { validateGraph } from '../src/graph/validate';

/**
 * Parsed JSON as the edits below see it: they write deliberately wrong values (null, strings,
 * objects) anywhere in the tree, which no static type of the format can describe.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EditableJson = any;

/** x [1,3] -> dense(w) -> relu -> r, with w inline. */
function graphJson(): EditableJson {
  return {
    format: 'skipconn.graph',
    version: 1,
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 3], layout: 'NC' }],
    weights: [{ name: 'w', dtype: 'float32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }],
    nodes: [
      { name: 'fc', op: 'dense', inputs: ['x', 'w'], outputs: ['fc'] },
      { name: 'r', op: 'relu', inputs: ['fc'], outputs: ['r'] },
    ],
    outputs: ['r'],
  };
}

function load(text: string): void {
  const g = parseGraphJson(text, 'g.json');
  validateGraph(g);
  weightsFromGraph(g);
}

function refusal(edit: (g: EditableJson) => void): SkipconnError {
  const g = graphJson();
  edit(g);
  try {
    load(JSON.stringify(g));
  } catch (err) {
    if (!(err instanceof SkipconnError)) throw new Error(`untyped ${String(err)}`, { cause: err });
    return err;
  }
  throw new Error('the graph was accepted');
}

it('the unedited graph loads', () => {
  expect(() => load(JSON.stringify(graphJson()))).not.toThrow();
});

describe.each(['__proto__', 'hasOwnProperty', 'valueOf', 'constructor', 'toString'])('op %s', (op) => {
  it('is an unknown op', () => {
    const e = refusal((g) => (g['nodes'][1].op = op));
    expect(e.code).toBe('UNKNOWN_OP');
    expect(e.message).toContain(`unknown op '${op}'`);
  });
});

it.each([
  ['a null input', (g: EditableJson): void => void (g.inputs = [null]), 'input 0 is not an object: expected an object describing the input, received null'],
  ['a null node', (g: EditableJson): void => void (g.nodes[0] = null), 'node 0 is not an object'],
  ['a null weight', (g: EditableJson): void => void (g.weights = [null]), 'weight 0 is not an object'],
  ['weight data that is a string', (g: EditableJson): void => void (g.weights[0].data = 'abc'), `weight 'w' has inline data that is not a list: expected a list of numbers, received "abc"`],
  ['weight data that is an object', (g: EditableJson): void => void (g.weights[0].data = { length: 6 }), 'inline data that is not a list'],
  ['null weight values', (g: EditableJson): void => void (g.weights[0].data = [null, 1, 2, 3, 4, 5]), "weight 'w' value 0: expected a number"],
  ['a node input that is null', (g: EditableJson): void => void (g.nodes[1].inputs = [null]), "'inputs' must be a list of value names"],
  ['node outputs that are not a list', (g: EditableJson): void => void (g.nodes[1].outputs = 'r'), "'outputs' must be a list of value names"],
  ['a graph output that is null', (g: EditableJson): void => void (g.outputs = [null]), "'outputs' must be a list of value names"],
  ['an op that is not a string', (g: EditableJson): void => void (g.nodes[1].op = { relu: true }), "'op' must be a string"],
  [
    'a dimension of 1e300',
    (g: EditableJson): void => void (g.inputs[0].shape = [1, 1e300]),
    `input 'x' has an invalid shape: expected a list of non-negative integers up to ${Number.MAX_SAFE_INTEGER}, received [1,1e+300]`,
  ],
  ['a dimension of 2^53', (g: EditableJson): void => void (g.weights[0].shape = [2 ** 53, 3]), "weight 'w' has an invalid shape"],
  ['dimensions whose product is not a safe integer', (g: EditableJson): void => void (g.inputs[0].shape = [2 ** 30, 2 ** 30, 2 ** 30]), "input 'x' has too many elements"],
  ['an attribute of 1e300', (g: EditableJson): void => void (g.nodes[1] = { name: 'r', op: 'softmax', inputs: ['fc'], outputs: ['r'], attrs: { axis: 1e300 } }), "attribute 'axis' is invalid"],
] as const)('%s', (_what, edit, message) => {
  expect(refusal(edit).message).toContain(message);
});

it('JSON nested 100,000 deep is a typed error, not a stack overflow', () => {
  const deep = `{"format": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  expect(() => load(deep)).toThrow(SkipconnError);
  expect(() => load(deep)).toThrow('g.json: JSON is nested more than 256 levels deep');
  // Brackets inside strings do not count.
  const g = graphJson();
  g['name'] = '['.repeat(1000);
  expect(() => load(JSON.stringify(g))).not.toThrow();
});

it('messages clip user strings: a 1 MB name gives a short message that says how long it was', () => {
  const huge = 'n'.repeat(1_000_000);
  const e = refusal((g) => (g['nodes'][1].inputs = [huge]));
  expect(e.message.length).toBeLessThan(1000);
  expect(e.message).toContain(`${'n'.repeat(200)}… (1000000 chars)`);
  const op = refusal((g) => (g['nodes'][1].op = huge));
  expect(op.message.length).toBeLessThan(2000);
});
