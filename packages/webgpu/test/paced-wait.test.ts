/**
 * node/paced-wait.ts without a GPU: it settles exactly as the promise it waits for, whenever that
 * settles (how long it sleeps meanwhile is the latency benchmark's to measure).
 */
import { pacedWait } from '../src/node/paced-wait';

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('pacedWait', () => {
  it('resolves with the value of a promise that settles later, or at once', async () => {
    await expect(pacedWait(later(15, 'mapped'))).resolves.toBe('mapped');
    await expect(pacedWait(Promise.resolve(7))).resolves.toBe(7);
  });

  it('rejects with the error of a promise that rejects', async () => {
    const lost = new Error('device lost');
    await expect(pacedWait(later(5, undefined).then(() => Promise.reject(lost)))).rejects.toBe(lost);
  });

  it('lets other work of the thread run while it waits', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await pacedWait(later(30, undefined));
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });
});
