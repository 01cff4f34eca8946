/**
 * The zoo's child processes get an 8 GB V8 heap unless NODE_OPTIONS already sets a limit: Node
 * takes the last --max-old-space-size, so appending ours would override a larger one.
 */
import { withHeapLimit } from '../model-check';

describe('withHeapLimit', () => {
  it('adds the default limit to empty or unrelated options', () => {
    expect(withHeapLimit(undefined, 8192)).toBe('--max-old-space-size=8192');
    expect(withHeapLimit('  ', 8192)).toBe('--max-old-space-size=8192');
    expect(withHeapLimit('--enable-source-maps', 8192)).toBe('--enable-source-maps --max-old-space-size=8192');
  });

  it("keeps the caller's own limit, in either spelling", () => {
    expect(withHeapLimit('--max-old-space-size=16000', 8192)).toBe('--max-old-space-size=16000');
    expect(withHeapLimit('--enable-source-maps --max-old-space-size 16000', 8192)).toBe('--enable-source-maps --max-old-space-size 16000');
  });
});
