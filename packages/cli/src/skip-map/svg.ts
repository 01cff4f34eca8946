/**
 * The skip map as SVG: the model's nodes in topological order on one horizontal main path, and
 * every skip connection as an arc above it from its fork to its merge, coloured by category.
 * An arc's height is its nesting level (1 + the highest level of the arcs inside it), so a
 * DenseNet block's arcs stack like a staircase and a U-Net's long skip stands over everything it
 * spans instead of hiding behind it. Each arc and node carries a <title>, so hovering shows its
 * details even in a bare SVG viewer; the HTML page adds click details and zoom on top.
 */
import type { SkipCategory } from '@skipconn/core';
import type { InspectSkip } from '../commands/inspect';
import { findSkipGroups } from './collapse';

/** What the map draws: node names and ops in topological order, and the inspect report's skips. */
export interface SkipMapInput {
  readonly title: string;
  readonly nodes: readonly { readonly name: string; readonly op: string; readonly outputs: readonly string[] }[];
  readonly skips: readonly InspectSkip[];
  /** Lines the page shows under its title (where signals and gradients came from, or why not). */
  readonly notes?: readonly string[];
}

/** Colours per category, from the palette of the conformance report. */
export const CATEGORY_COLORS: Record<SkipCategory, string> = {
  residual: '#1a7f37',
  'scaled-residual': '#8250df',
  projection: '#bf8700',
  concat: '#0969da',
  highway: '#cf222e',
  gate: '#d4479b',
};

/** One line per concept, shown in the legend of the page and of the SVG. */
export const CATEGORY_LEGEND: Record<SkipCategory, string> = {
  residual: 'y = act(x + F(x)): keeps the width; the identity path hands the gradient back unchanged, so depth stays trainable',
  'scaled-residual': 'y = alpha x + beta F(x) (ReZero, LayerScale, DeepNorm, stochastic depth): damps the body so very deep stacks start near the identity',
  projection: 'the shortcut needs its own layer (1x1 conv + BN) because the shape changes: it costs parameters and is no longer a pure identity for the gradient',
  concat: 'y = [x, F(x)] on channels (DenseNet, U-Net): nothing is summed away, but the width grows at every merge; zero-copy avoids holding it twice',
  highway: 'y = T H(x) + (1 - T) x: a learned gate T decides how much of the body passes; the gated ancestor of the residual',
  gate: 'y = x g(x) (squeeze-and-excitation): multiplies instead of adding, reweighting channels; it gives the gradient no bypass',
};

/** The concept behind the map, one sentence a line in the SVG. */
export const SKIP_CONCEPT: readonly string[] = [
  'A skip connection carries a value past a block (the body) to a merge that joins both paths; each arc runs from the fork to the merge.',
  'Every residual is a skip, but concat, highway and gate skips join the paths differently.',
];

export interface PlacedArc {
  readonly skip: number;
  /** Main-path positions: 0 is the graph inputs, i + 1 is node i. */
  readonly start: number;
  readonly end: number;
  readonly level: number;
}

/** Fork and merge positions of every skip, and its nesting level. */
export function placeArcs(input: SkipMapInput): PlacedArc[] {
  const position = new Map<string, number>();
  input.nodes.forEach((n, i) => n.outputs.forEach((o) => position.set(o, i + 1)));
  const nodeIndex = new Map(input.nodes.map((n, i) => [n.name, i + 1]));
  const spans = input.skips.map((s, skip) => ({ skip, start: position.get(s.from) ?? 0, end: nodeIndex.get(s.merge)! }));
  // Shorter arcs first, so every arc nested in another has its level when the outer one asks.
  const order = [...spans].sort((a, b) => a.end - a.start - (b.end - b.start));
  const level = new Map<number, number>();
  for (const a of order) {
    let inner = 0;
    for (const b of order) {
      if (b === a || !level.has(b.skip)) continue;
      if (b.start >= a.start && b.end <= a.end) inner = Math.max(inner, level.get(b.skip)!);
    }
    level.set(a.skip, inner + 1);
  }
  return spans.map((s) => ({ ...s, level: level.get(s.skip)! }));
}

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** The hover text of a skip: what it is and what it costs, one fact a line. */
export function skipSummary(s: InspectSkip): string {
  const lines = [`${s.category}: ${s.from} -> ${s.merge}`, `span ${s.span} nodes; ${s.detail}`, `body ${s.bodyParams} params, shortcut ${s.shortcutParams}; merge output ${s.mergeOutputBytes} B`];
  if (s.concat !== null) lines.push(`channels ${s.concat.inputChannels.join(' + ')} = ${s.concat.outputChannels} (+${s.concat.channelGrowth}); ${s.concat.naiveBytes} B naive, ${s.concat.zeroCopyBytes} B zero-copy`);
  const sig = s.signal;
  if (sig?.ratio != null) lines.push(`RMS shortcut ${sig.shortcutRms!.toPrecision(3)}, body ${sig.bodyRms!.toPrecision(3)}, body/shortcut ${sig.ratio.toPrecision(3)}`);
  if (sig?.gateMean != null) lines.push(`mean gate ${sig.gateMean.toPrecision(3)}`);
  if (sig?.transformMean != null) lines.push(`mean transform gate T ${sig.transformMean.toPrecision(3)}, carry ${sig.carryMean!.toPrecision(3)}`);
  for (const sc of s.scales) lines.push(`${sc.name} ${sc.kind}${sc.weight ? ` ${sc.weight}` : ''}: ${sc.count === 1 && sc.values ? sc.values[0] : `${sc.count} values, mean ${sc.mean ?? '?'}`}`);
  return lines.join('\n');
}

export interface SvgOptions {
  /** Width of the drawing in pixels (the main path is stretched to it). */
  readonly width?: number;
  /** Draw the legend inside the SVG (a standalone file); the HTML page has its own. */
  readonly legend?: boolean;
  /**
   * Also draw one arc per group of repeated blocks or fanned skips (./collapse), hidden until the
   * SVG gets the class 'collapsed'; the grouped arcs get the class 'grouped' so a page can hide them.
   */
  readonly groups?: boolean;
}

const MARGIN = 24;
const MAX_ARC_HEIGHT = 320;

export function renderSkipMapSvg(input: SkipMapInput, options: SvgOptions = {}): string {
  const arcs = placeArcs(input);
  // A legend line is up to about 1000 px of text, so a standalone SVG is at least that wide.
  const width = options.width ?? Math.max(options.legend ? 1100 : 900, Math.min(4000, input.nodes.length * 6));
  // Room on the right for the last rotated op label.
  const step = (width - MARGIN - 70) / Math.max(1, input.nodes.length);
  const x = (p: number) => MARGIN + p * step;
  const maxLevel = Math.max(1, ...arcs.map((a) => a.level));
  const unit = Math.min(28, MAX_ARC_HEIGHT / maxLevel);
  const baseline = MARGIN + maxLevel * unit + 16;
  const labels = step >= 11;
  const conceptLines = SKIP_CONCEPT;
  const legendLines = options.legend ? Object.keys(CATEGORY_COLORS).length + conceptLines.length : 0;
  const labelRoom = labels ? 96 : 24;
  const height = baseline + labelRoom + legendLines * 18;

  const merges = new Map(input.skips.map((s, i) => [s.merge, i]));
  const groups = options.groups ? findSkipGroups(input, arcs) : [];
  const groupOf = new Map<number, number>();
  groups.forEach((g, k) => g.skips.forEach((skip) => groupOf.set(skip, k)));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="skip-map" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}" width="${width.toFixed(0)}" height="${height.toFixed(0)}" data-skips="${input.skips.length}" font-family="system-ui,sans-serif" font-size="11">`,
  );
  parts.push(`<title>${escapeXml(`${input.title}: ${input.nodes.length} nodes, ${input.skips.length} skip connections`)}</title>`);
  parts.push(`<line class="main-path" x1="${x(0)}" y1="${baseline}" x2="${x(input.nodes.length)}" y2="${baseline}" stroke="#8c959f" stroke-width="2"/>`);
  parts.push(`<circle class="node input" cx="${x(0)}" cy="${baseline}" r="4" fill="#57606a"><title>graph inputs</title></circle>`);
  input.nodes.forEach((n, i) => {
    const skip = merges.get(n.name);
    const fill = skip === undefined ? '#d0d7de' : CATEGORY_COLORS[input.skips[skip]!.category];
    const r = skip === undefined ? 2.5 : 4;
    parts.push(`<circle class="node" data-node="${escapeXml(n.name)}" cx="${x(i + 1).toFixed(2)}" cy="${baseline}" r="${r}" fill="${fill}"><title>${escapeXml(`${n.name} (${n.op})`)}</title></circle>`);
    if (labels) parts.push(`<text x="${x(i + 1).toFixed(2)}" y="${baseline + 10}" transform="rotate(60 ${x(i + 1).toFixed(2)} ${baseline + 10})" fill="#57606a">${escapeXml(n.op)}</text>`);
  });
  // Outer arcs first, so the inner ones are drawn on top and stay clickable.
  for (const a of [...arcs].sort((p, q) => q.level - p.level)) {
    const s = input.skips[a.skip]!;
    const x1 = x(a.start);
    const x2 = x(a.end);
    const h = a.level * unit;
    const d = `M${x1.toFixed(2)} ${baseline} C${x1.toFixed(2)} ${(baseline - h * 1.33).toFixed(2)} ${x2.toFixed(2)} ${(baseline - h * 1.33).toFixed(2)} ${x2.toFixed(2)} ${baseline}`;
    const grouped = groupOf.has(a.skip) ? ` grouped" data-group="${groupOf.get(a.skip)}` : '';
    parts.push(
      `<path class="arc arc-${s.category}${grouped}" data-skip="${a.skip}" d="${d}" fill="none" stroke="${CATEGORY_COLORS[s.category]}" stroke-width="2" stroke-opacity="0.85"><title>${escapeXml(skipSummary(s))}</title></path>`,
    );
  }
  groups.forEach((g, k) => {
    const first = input.skips[g.skips[0]!]!;
    const h = Math.max(...g.skips.map((i) => arcs[i]!.level)) * unit;
    const x1 = x(g.start);
    const x2 = x(g.end);
    const top = baseline - h * 1.33;
    const label = `${g.skips.length}x ${g.kind === 'repeat' ? 'repeated block' : 'from one fork'}`;
    parts.push(
      `<g class="group" data-group="${k}" data-kind="${g.kind}"><path class="group-arc" d="M${x1.toFixed(2)} ${baseline} C${x1.toFixed(2)} ${top.toFixed(2)} ${x2.toFixed(2)} ${top.toFixed(2)} ${x2.toFixed(2)} ${baseline}" fill="none" stroke="${CATEGORY_COLORS[first.category]}" stroke-width="4" stroke-dasharray="8 3"><title>${escapeXml(`${label}: ${g.skips.map((i) => input.skips[i]!.merge).join(', ')}`)}</title></path><text x="${((x1 + x2) / 2).toFixed(2)}" y="${(baseline - h - 6).toFixed(2)}" text-anchor="middle" fill="${CATEGORY_COLORS[first.category]}" font-weight="600">${escapeXml(label)}</text></g>`,
    );
  });
  if (options.legend) {
    let y = baseline + labelRoom - 18;
    for (const line of conceptLines) {
      y += 18;
      parts.push(`<text x="${MARGIN}" y="${y - 4}" fill="#1f2328">${escapeXml(line)}</text>`);
    }
    for (const [category, color] of Object.entries(CATEGORY_COLORS) as [SkipCategory, string][]) {
      y += 18;
      parts.push(
        `<rect x="${MARGIN}" y="${y - 9}" width="18" height="4" fill="${color}"/><text x="${MARGIN + 26}" y="${y - 4}" fill="#1f2328"><tspan font-weight="600">${category}</tspan>: ${escapeXml(CATEGORY_LEGEND[category])}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}
