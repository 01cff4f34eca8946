/** The benchmark's result format and its Markdown rendering. */

export interface Measurement {
  readonly variant: string;
  readonly dispatches: number;
  readonly kernels: readonly string[];
  /** Median GPU time per run (timestamp queries); null when the device has none. */
  readonly gpuMs: number | null;
  /** Wall time per run, submit to completion, inputs already on the GPU. */
  readonly wallMs: number;
  readonly arenaBytes: number;
}

export interface BenchResult {
  readonly date: string;
  readonly device: string;
  readonly timestamps: boolean;
  readonly sizes: 'quick' | 'full';
  readonly reps: number;
  readonly blocks: { readonly name: string; readonly shape: string; readonly measurements: Measurement[]; readonly bytesMoved?: number }[];
  readonly memory: { readonly block: string; readonly arenaBytes: number; readonly featureBytes: number; readonly ratio: number; readonly materializedConcatBytes: number }[];
  peakGpuBytes?: number;
}

const ms = (v: number | null): string => (v === null ? '-' : v < 1 ? v.toFixed(4) : v.toFixed(3));
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MiB`;

export function renderMarkdown(r: BenchResult): string {
  const lines = [
    `# webgpu adapter benchmark`,
    '',
    `- device: ${r.device}`,
    `- date: ${r.date}; sizes: ${r.sizes}; ${r.reps} timed runs per variant (median GPU time${r.timestamps ? ', timestamp queries' : ' unavailable: no timestamp-query'}; wall = submit to completion)`,
    '',
    '## Fused vs unfused, same blocks, same run',
    '',
    '| block | shape | variant | dispatches | GPU ms | wall ms | time / first variant |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  for (const b of r.blocks) {
    const base = b.measurements[0]!;
    for (const m of b.measurements) {
      const t = (x: Measurement) => x.gpuMs ?? x.wallMs;
      const speed = m === base ? '1' : `${(t(m) / t(base)).toFixed(2)}`;
      lines.push(`| ${b.name} | ${b.shape} | ${m.variant} | ${m.dispatches} | ${ms(m.gpuMs)} | ${ms(m.wallMs)} | ${speed} |`);
    }
    if (b.bytesMoved !== undefined) {
      const t = base.gpuMs ?? base.wallMs;
      lines.push(`| | | effective bandwidth | | ${(b.bytesMoved / (t / 1e3) / 1e9).toFixed(1)} GB/s | | |`);
    }
  }
  lines.push('', '## DenseNet block memory (activations)', '', '| variant | arena | sum of feature maps | ratio (target <= 1.1) | if each concat were stored |', '|---|---:|---:|---:|---:|');
  for (const m of r.memory) lines.push(`| ${m.block} | ${mib(m.arenaBytes)} | ${mib(m.featureBytes)} | ${m.ratio.toFixed(3)} | ${mib(m.materializedConcatBytes)} |`);
  if (r.peakGpuBytes !== undefined) lines.push('', `Peak GPU bytes held by the adapter during the run (weights, arenas, readback): ${mib(r.peakGpuBytes)}.`);
  return `${lines.join('\n')}\n`;
}
