/** SerialQueue: tasks run one at a time in queue order, and a failing task fails only its caller. */
import { SerialQueue, SerialQueues } from '../src/serial-queue';

/** A promise with its resolve function, so a test decides when a task finishes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('SerialQueue', () => {
  test('tasks run in queue order and never overlap, whatever their durations', async () => {
    const queue = new SerialQueue();
    const events: string[] = [];
    let running = 0;
    const task = (name: string, ticks: number) => async (): Promise<string> => {
      running++;
      expect(running).toBe(1);
      events.push(`start ${name}`);
      for (let i = 0; i < ticks; i++) await Promise.resolve();
      events.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([queue.run(task('a', 5)), queue.run(task('b', 0)), queue.run(task('c', 2))]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  test('a later task waits for an earlier one that is still pending', async () => {
    const queue = new SerialQueue();
    const first = gate();
    let secondStarted = false;
    const a = queue.run(() => first.promise);
    const b = queue.run(() => {
      secondStarted = true;
    });
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(secondStarted).toBe(false);
    first.open();
    await Promise.all([a, b]);
    expect(secondStarted).toBe(true);
  });

  test('a rejecting task and a synchronously throwing task fail only their callers', async () => {
    const queue = new SerialQueue();
    const rejected = queue.run(async () => {
      throw new Error('async failure');
    });
    const thrown = queue.run(() => {
      throw new Error('sync failure');
    });
    const after = queue.run(() => 42);
    await expect(rejected).rejects.toThrow('async failure');
    await expect(thrown).rejects.toThrow('sync failure');
    await expect(after).resolves.toBe(42);
  });

  test('idle() resolves after everything queued so far has settled, failures included', async () => {
    const queue = new SerialQueue();
    const done: number[] = [];
    void queue.run(async () => {
      done.push(1);
    });
    queue
      .run(async () => {
        throw new Error('x');
      })
      .catch(() => done.push(2));
    await queue.idle();
    await Promise.resolve();
    expect(done).toEqual([1, 2]);
  });
});

describe('SerialQueues', () => {
  test('one queue per key: the same key shares it, different keys do not wait for each other', async () => {
    const queues = new SerialQueues();
    const keyA = {};
    const keyB = {};
    expect(queues.of(keyA)).toBe(queues.of(keyA));
    expect(queues.of(keyA)).not.toBe(queues.of(keyB));
    const blockA = gate();
    const a = queues.of(keyA).run(() => blockA.promise);
    await expect(queues.of(keyB).run(() => 'b ran while a waits')).resolves.toBe('b ran while a waits');
    blockA.open();
    await a;
  });
});
