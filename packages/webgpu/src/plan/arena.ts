/**
 * The buffer arena: allocations whose lifetimes do not overlap share one GPU buffer (a slot).
 * Lifetimes are inclusive step ranges, so a step's inputs and outputs never share a slot.
 * Greedy by start: reuse the smallest free slot that fits, else grow the largest free one, else
 * open a new slot. The plan is static (shapes are fixed at compile time), so buffers and bind
 * groups are made once per compiled graph and every run reuses them: nothing is allocated per run.
 */
import type { Alloc } from './placement';

export interface ArenaPlan {
  /** Slot index of each allocation id (-1 for allocations nothing lives in). */
  readonly slotOf: readonly number[];
  /** Size of each slot, in elements. */
  readonly slotSizes: readonly number[];
  /** Bytes of all slots: what the arena really holds. */
  readonly arenaBytes: number;
  /** Largest sum of simultaneously live allocations over the steps: the lower bound any arena needs. */
  readonly peakLiveBytes: number;
}

export function planArena(allocs: readonly Alloc[]): ArenaPlan {
  const slotOf = new Array<number>(allocs.length).fill(-1);
  const slotSizes: number[] = [];
  const slotFreeAfter: number[] = [];
  const order = allocs.filter((a) => a.values.length > 0).sort((a, b) => a.start - b.start || b.size - a.size);
  for (const a of order) {
    let best = -1;
    let grow = -1;
    slotSizes.forEach((s, i) => {
      if (slotFreeAfter[i]! >= a.start) return;
      if (s >= a.size) {
        if (best < 0 || s < slotSizes[best]!) best = i;
      } else if (grow < 0 || s > slotSizes[grow]!) {
        grow = i;
      }
    });
    const slot = best >= 0 ? best : grow >= 0 ? grow : slotSizes.length;
    if (slot === slotSizes.length) {
      slotSizes.push(a.size);
      slotFreeAfter.push(a.end);
    } else {
      slotSizes[slot] = Math.max(slotSizes[slot]!, a.size);
      slotFreeAfter[slot] = a.end;
    }
    slotOf[a.id] = slot;
  }
  let peak = 0;
  const events = new Set<number>(order.flatMap((a) => [a.start, a.end]));
  for (const t of events) {
    const live = order.reduce((sum, a) => (a.start <= t && t <= a.end ? sum + a.size : sum), 0);
    peak = Math.max(peak, live);
  }
  return { slotOf, slotSizes, arenaBytes: slotSizes.reduce((a, b) => a + b, 0) * 4, peakLiveBytes: peak * 4 };
}
