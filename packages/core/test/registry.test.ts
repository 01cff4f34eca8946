/**
 * The adapter registry refuses a different adapter under a taken name and accepts the same
 * registration again (both module formats of one adapter package may load in one process).
 */
import { createReferenceAdapter } from '../src/reference/adapter';
import { SkipconnError } from '../src/errors';
import { createAdapter, registerAdapter, registeredAdapters } from '../src/adapter/registry';

describe('registerAdapter', () => {
  test('a different registration under a taken name is refused, naming the adapter and both descriptions', () => {
    registerAdapter('test:dup', createReferenceAdapter, 5, 'the first one');
    let thrown: unknown;
    try {
      registerAdapter('test:dup', createReferenceAdapter, 5, 'another one');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SkipconnError);
    expect(thrown).toMatchObject({
      code: 'USAGE',
      message: `adapter 'test:dup' is already registered: expected a new name or the same registration (priority 5, "the first one"), received priority 5, "another one"`,
    });
  });

  test('a different priority under a taken name is refused too', () => {
    registerAdapter('test:dup-priority', createReferenceAdapter, 1, 'same words');
    expect(() => registerAdapter('test:dup-priority', createReferenceAdapter, 2, 'same words')).toThrow(
      `adapter 'test:dup-priority' is already registered: expected a new name or the same registration (priority 1, "same words"), received priority 2, "same words"`,
    );
  });

  test('the built-in reference adapter cannot be replaced', () => {
    expect(() => registerAdapter('reference', createReferenceAdapter, 0, 'mine')).toThrow(/adapter 'reference' is already registered/);
  });

  test('an identical registration is accepted and the first factory stays', async () => {
    const first = jest.fn(createReferenceAdapter);
    const second = jest.fn(createReferenceAdapter);
    registerAdapter('test:twice', first, 7, 'loaded by both module formats');
    expect(() => registerAdapter('test:twice', second, 7, 'loaded by both module formats')).not.toThrow();
    expect(registeredAdapters().filter((r) => r.name === 'test:twice')).toHaveLength(1);
    await createAdapter('test:twice');
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).not.toHaveBeenCalled();
  });
});
