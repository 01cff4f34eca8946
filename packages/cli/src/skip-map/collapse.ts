/**
 * Groups of skips the skip map can collapse into one arc, so large models stay legible:
 *
 *   repeat  consecutive blocks with the same structure, each starting where the previous one
 *           merged (ResNet's identity blocks within a stage, a ViT's encoder layers): same
 *           category, and the same ops in the same order on the bypassed nodes
 *   fan     skips of one category that fork from the same value (a DenseNet block's concats,
 *           each reaching one layer further)
 *
 * A skip belongs to at most one group; repeats are found first. Only groups of two or more count.
 */
import type { PlacedArc, SkipMapInput } from './svg';

export interface SkipGroup {
  readonly kind: 'repeat' | 'fan';
  /** Indices into the skip list, in order. */
  readonly skips: readonly number[];
  /** Main-path span of the whole group. */
  readonly start: number;
  readonly end: number;
}

/** What makes two blocks "the same": the category and the op sequence they bypass. */
function signature(input: SkipMapInput, skip: number): string {
  const opOf = new Map(input.nodes.map((n) => [n.name, n.op]));
  const s = input.skips[skip]!;
  return `${s.category}|${s.bypassed.map((n) => opOf.get(n) ?? '?').join(',')}`;
}

export function findSkipGroups(input: SkipMapInput, arcs: readonly PlacedArc[]): SkipGroup[] {
  const byStart = [...arcs].sort((a, b) => a.start - b.start || a.end - b.end);
  const grouped = new Set<number>();
  const groups: SkipGroup[] = [];

  // Repeats: a chain of equal signatures, each arc starting at the previous arc's end.
  let run: PlacedArc[] = [];
  const closeRun = () => {
    if (run.length >= 2) {
      groups.push({ kind: 'repeat', skips: run.map((a) => a.skip), start: run[0]!.start, end: run[run.length - 1]!.end });
      run.forEach((a) => grouped.add(a.skip));
    }
    run = [];
  };
  for (const arc of byStart) {
    const last = run[run.length - 1];
    if (last !== undefined && arc.start === last.end && signature(input, arc.skip) === signature(input, last.skip)) {
      run.push(arc);
    } else if (last === undefined || arc.start >= last.end) {
      closeRun();
      run = [arc];
    }
  }
  closeRun();

  // Fans: the remaining arcs of one category that share a fork.
  const fans = new Map<string, PlacedArc[]>();
  for (const arc of byStart) {
    if (grouped.has(arc.skip)) continue;
    const key = `${arc.start}|${input.skips[arc.skip]!.category}`;
    fans.set(key, [...(fans.get(key) ?? []), arc]);
  }
  for (const members of fans.values()) {
    if (members.length < 2) continue;
    groups.push({ kind: 'fan', skips: members.map((a) => a.skip), start: members[0]!.start, end: Math.max(...members.map((a) => a.end)) });
  }
  return groups.sort((a, b) => a.start - b.start);
}
