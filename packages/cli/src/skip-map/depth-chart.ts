/**
 * Small line charts along the depth of the model (one point per skip, in merge order) for the
 * skip map page: gradient norms at each fork with and without the residual shortcuts (log scale,
 * since without them the gradient typically falls by orders of magnitude), and the body/shortcut
 * RMS ratio of each residual merge (how identity-dominated each block is).
 */
import type { InspectSkip } from '../commands/inspect';
import { escapeXml } from './svg';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly dashed?: boolean;
  /** One value per skip; null where the series has none (a concat has no RMS ratio). */
  readonly values: readonly (number | null)[];
}

const W = 900;
const H = 180;
const PAD = { left: 64, right: 16, top: 40, bottom: 28 };

/** A line chart; `log` plots log10 of the positive values. Empty string when no value is plottable. */
export function renderLineChart(title: string, series: readonly ChartSeries[], options: { log?: boolean } = {}): string {
  const map = (v: number | null) => (v === null || !Number.isFinite(v) || (options.log && v <= 0) ? null : options.log ? Math.log10(v) : v);
  const all = series.flatMap((s) => s.values.map(map)).filter((v): v is number => v !== null);
  if (all.length === 0) return '';
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!options.log) lo = Math.min(0, lo);
  if (hi - lo < 1e-12) hi = lo + 1;
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + ((hi - v) * (H - PAD.top - PAD.bottom)) / (hi - lo);
  const tick = (v: number) => (options.log ? (Number.isInteger(v) ? `1e${v}` : (10 ** v).toPrecision(2)) : Number(v.toPrecision(3)).toString());
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" class="depth-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui,sans-serif" font-size="11">`];
  parts.push(`<text x="${PAD.left}" y="14" font-weight="600" fill="#1f2328">${escapeXml(title)}</text>`);
  parts.push(`<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#d0d7de"/>`);
  // Log scale: one tick per decade, or the two ends when the values span less than two decades.
  const decades = Math.floor(hi) - Math.ceil(lo) + 1;
  const ticks = !options.log ? [lo, (lo + hi) / 2, hi] : decades >= 2 ? Array.from({ length: decades }, (_, k) => Math.ceil(lo) + k) : [lo, hi];
  const step = Math.max(1, Math.ceil(ticks.length / 6));
  ticks
    .filter((_, k) => k % step === 0)
    .forEach((t) => {
      parts.push(
        `<line x1="${PAD.left}" y1="${y(t).toFixed(1)}" x2="${W - PAD.right}" y2="${y(t).toFixed(1)}" stroke="#eaeef2"/><text x="${PAD.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#57606a">${tick(t)}</text>`,
      );
    });
  parts.push(`<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" fill="#57606a">skip #, in depth order (${n} skips) &#8594;</text>`);
  let legendX = PAD.left;
  for (const s of series) {
    const points = s.values.map((v, i) => [i, map(v)] as const).filter((p): p is readonly [number, number] => p[1] !== null);
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    parts.push(`<polyline class="series" fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${points.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [i, v] of points)
      parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"><title>${escapeXml(`#${i + 1} ${s.label}: ${s.values[i]!.toPrecision(4)}`)}</title></circle>`);
    parts.push(`<line x1="${legendX}" y1="26" x2="${legendX + 18}" y2="26" stroke="${s.color}" stroke-width="2"${dash}/><text x="${legendX + 24}" y="30" fill="#1f2328">${escapeXml(s.label)}</text>`);
    legendX += 30 + s.label.length * 6;
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** The page's charts for whatever the report measured (--gradients, --input / --seeded). */
export function renderDepthCharts(skips: readonly InspectSkip[]): string {
  const charts: string[] = [];
  if (skips.some((s) => s.gradient != null)) {
    charts.push(
      renderLineChart(
        '|dL/d(fork)| along the depth (log scale)',
        [
          { label: 'with the shortcuts', color: '#1a7f37', values: skips.map((s) => s.gradient?.fork ?? null) },
          { label: 'every residual shortcut cut', color: '#57606a', dashed: true, values: skips.map((s) => s.gradient?.forkSkipsRemoved ?? null) },
        ],
        { log: true },
      ),
    );
  }
  if (skips.some((s) => s.signal?.ratio != null)) {
    charts.push(renderLineChart('RMS(body) / RMS(shortcut) at each residual merge (0: identity-dominated)', [{ label: 'body / shortcut RMS', color: '#8250df', values: skips.map((s) => s.signal?.ratio ?? null) }]));
  }
  return charts.join('\n');
}
