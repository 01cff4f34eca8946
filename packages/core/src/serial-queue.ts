/**
 * Calls that must not overlap (one GPU device, one wasm runtime, one page, one tfjs engine whose
 * global backend is switched per call) go through a SerialQueue: each task starts after every
 * task queued before it has settled, in the order they were queued. A task that throws or
 * rejects fails only its own caller; the tasks after it run as usual.
 */
export class SerialQueue {
  /** Settles after the last queued task; never rejects, so one failure cannot block the rest. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task` and resolves or rejects as it does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(() => task());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

/**
 * One SerialQueue per object (a runtime module, an engine), made on first use and dropped with
 * the object: the objects need not know they are queued on.
 */
export class SerialQueues<K extends object = object> {
  private readonly queues = new WeakMap<K, SerialQueue>();

  /** The queue of `key`. */
  of(key: K): SerialQueue {
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = new SerialQueue();
      this.queues.set(key, queue);
    }
    return queue;
  }
}
