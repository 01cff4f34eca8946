/**
 * Errors made by another copy of @skipconn/core in the same process (its other module format, or
 * an adapter package installed with a core of its own) are still recognised by class and as user
 * errors. The other copy is a fresh module registry loading the same source.
 */
import { AdapterUnavailableError, FileFormatError, SkipconnError, isUserError } from '../src/errors';
import type * as ErrorsModule from '../src/errors';

function otherCopy(): typeof ErrorsModule {
  let mod: typeof ErrorsModule | undefined;
  jest.isolateModules(() => {
    // jest.isolateModules takes a synchronous callback, so the fresh copy is loaded with require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../src/errors') as typeof ErrorsModule;
  });
  return mod!;
}

describe('errors across copies of core', () => {
  const other = otherCopy();

  test('the copy really is another module (its classes are different objects)', () => {
    expect(other.AdapterUnavailableError).not.toBe(AdapterUnavailableError);
  });

  test('instanceof holds for the same class name, and for its base classes', () => {
    const err = new other.AdapterUnavailableError('tfjs:webgl', 'no browser', 'use one');
    expect(err instanceof AdapterUnavailableError).toBe(true);
    expect(err instanceof SkipconnError).toBe(true);
    expect(err instanceof FileFormatError).toBe(false);
    expect(isUserError(err)).toBe(true);
  });

  test('a plain Error, or an object posing with the same name, is not a SkipconnError', () => {
    expect(new Error('x') instanceof SkipconnError).toBe(false);
    expect(isUserError({ name: 'SkipconnError', code: 'USAGE', message: 'x' })).toBe(false);
    expect(isUserError(null)).toBe(false);
  });

  test('within one copy, instanceof behaves as usual', () => {
    expect(new FileFormatError('f', 'bad') instanceof FileFormatError).toBe(true);
    expect(new SkipconnError('USAGE', 'x') instanceof AdapterUnavailableError).toBe(false);
  });
});
