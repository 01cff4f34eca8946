/**
 * The result format of the peers-style sections (bench-results/peers.json: blocks;
 * bench-results/models.json: whole models) and their Markdown rendering.
 */

export interface EngineRun {
  /** 'webgpu', 'tfjs:webgpu' or 'ort-web:webgpu'. */
  readonly engine: string;
  readonly variant: string;
  /** What the engine made of the block (dispatches or kernels per run, execution provider, ...). */
  info: Record<string, string | number | boolean>;
  /** One run issued alone and waited for: every sample, ms. */
  readonly single: number[];
  /** Back to back: ms per run, one value per round. */
  readonly pipelined: number[];
  /** Runs in each back-to-back value. */
  readonly pipelinedRuns: number[];
  /** webgpu only: GPU time per run from timestamp queries (single-run samples), ms. */
  readonly gpu: number[];
  /** Seconds from handing the engine the graph to its compiled plan or session (weights uploaded), and of the output check after it (a run, unless the compile made one: see PeerGraph.check). */
  compileS?: number;
  checkS?: number;
  /** Output compared with this adapter's output on the same input. */
  check?: { readonly matches: boolean; readonly detail: string };
  error?: string;
  /** Why a later round ended this engine's runs (the engine is left out of later rounds; the samples of its earlier rounds stand). */
  stopped?: string;
}

export interface BlockResult {
  readonly name: string;
  readonly shape: string;
  readonly runs: EngineRun[];
  rounds: number;
  seconds: number;
  /** Set when the time budget ended the block early (or before it started). */
  skipped?: string;
}

export interface PeersResult {
  /** 'peers': the blocks of peers/run.ts; 'models': the whole models of models/run.ts; 'gemv': one-row dense (gemv.ts). */
  readonly section: 'peers' | 'models' | 'gemv';
  readonly date: string;
  readonly device: string;
  readonly sizes: 'quick' | 'full';
  readonly budgetS: number;
  elapsedS: number;
  complete: boolean;
  readonly engines: { readonly engine: string; readonly variant: string; readonly where: string; readonly backend: string; readonly timed: string }[];
  readonly blocks: BlockResult[];
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const ms = (v: number | null): string => (v === null ? '-' : v < 0.1 ? v.toFixed(4) : v < 10 ? v.toFixed(3) : v.toFixed(1));
const ratio = (peer: number | null, ours: number | null): string => (peer === null || ours === null || ours <= 0 ? '-' : `${(peer / ours).toFixed(1)}x`);

export interface Ratios {
  readonly engine: string;
  readonly variant: string;
  readonly single: number | null;
  readonly pipelined: number | null;
}

/** Peer time / this adapter's time, per peer run of a block (> 1: this adapter is faster). */
export function ratios(block: BlockResult): Ratios[] {
  const ours = block.runs.find((r) => r.engine === 'webgpu');
  const s = ours ? median(ours.single) : null;
  const p = ours ? median(ours.pipelined) : null;
  return block.runs
    .filter((r) => r !== ours)
    .map((r) => {
      const rs = median(r.single);
      const rp = median(r.pipelined);
      return { engine: r.engine, variant: r.variant, single: rs !== null && s ? rs / s : null, pipelined: rp !== null && p ? rp / p : null };
    });
}

function infoText(info: EngineRun['info']): string {
  return Object.entries(info)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
    .replace(/\|/g, '/');
}

/**
 * One line per block: this adapter's one run and back to back, each peer's with its ratio, and
 * whether its output matched (the table docs/benchmarks.md shows for whole models).
 */
export function renderSummaryTable(r: PeersResult): string[] {
  const peers = r.engines.filter((e) => e.engine !== 'webgpu');
  const lines = [
    `| ${r.section === 'models' ? 'model' : 'block'} | webgpu: one run / back to back | ${peers.map((e) => `${e.engine} ${e.variant}: one run, back to back`).join(' | ')} |`,
    `|---|---|${peers.map(() => '---').join('|')}|`,
  ];
  for (const b of r.blocks) {
    const ours = b.runs.find((x) => x.engine === 'webgpu');
    const head = `| ${b.name}, ${b.shape} | `;
    if (b.skipped !== undefined && (ours === undefined || ours.single.length === 0)) {
      lines.push(`${head}skipped: ${b.skipped.replace(/\|/g, '/').slice(0, 200)} |${peers.map(() => ' |').join('')}`);
      continue;
    }
    const ourCell = ours === undefined ? '-' : ours.error !== undefined ? `**failed**: ${ours.error.replace(/\|/g, '/').slice(0, 200)}` : `${ms(median(ours.single))} / ${ms(median(ours.pipelined))} ms`;
    const cells = peers.map((e) => {
      const x = b.runs.find((run) => run.engine === e.engine && run.variant === e.variant);
      if (x === undefined) return 'not run';
      if (x.error !== undefined) return `**failed**: ${x.error.replace(/\|/g, '/').slice(0, 200)}`;
      const s = median(x.single);
      const p = median(x.pipelined);
      const check = x.check === undefined ? '' : x.check.matches ? ', output matches' : ', **output differs**';
      const stopped = x.stopped === undefined ? '' : `; ${x.stopped.replace(/\|/g, '/').slice(0, 200)}`;
      return `${ms(s)} ms (${ratio(s, ours ? median(ours.single) : null)}), ${ms(p)} ms (${ratio(p, ours ? median(ours.pipelined) : null)})${check}${stopped}`;
    });
    lines.push(`${head}${ourCell} | ${cells.join(' | ')} |`);
  }
  return lines;
}

export function renderPeersMarkdown(r: PeersResult): string {
  const lines = [
    r.section === 'models' ? '# webgpu adapter vs the web peers: same whole models, same weights and inputs, same run' : '# webgpu adapter vs the web peers: same blocks, same inputs, same run',
    '',
    `- device (this adapter): ${r.device}`,
    `- date: ${r.date}; sizes: ${r.sizes}; time budget ${r.budgetS} s, used ${r.elapsedS.toFixed(1)} s${r.complete ? '' : ' (**incomplete**: stopped early or still running)'}`,
    '- "one run": one run issued on inputs already on the GPU and waited for until the GPU finished it (median of every sample);',
    '  "back to back": N runs issued without waiting, then one wait, time / N (median over rounds). Engines alternate in',
    "  rounds, in a rotating order. Ratios are peer time / this adapter's time: above 1 this adapter is faster.",
    '',
    ...(r.section === 'models' ? ['## Summary', '', ...renderSummaryTable(r), ''] : []),
    '| engine | variant | where it runs | what is timed |',
    '|---|---|---|---|',
    ...r.engines.map((e) => `| ${e.engine} | ${e.variant} | ${e.where}; ${e.backend} | ${e.timed} |`),
    '',
  ];
  for (const b of r.blocks) {
    lines.push(`## ${b.name}, ${b.shape}`, '');
    if (b.skipped !== undefined) lines.push(`Skipped: ${b.skipped}`, '');
    if (b.runs.length === 0) continue;
    lines.push(`${b.rounds} round${b.rounds === 1 ? '' : 's'}, ${b.seconds.toFixed(1)} s.`, '');
    lines.push('| engine | variant | one run: median ms (samples) | vs webgpu | back to back: ms/run (runs) | vs webgpu | GPU ms (timestamps) | output vs webgpu | what ran |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---|---|');
    const ours = b.runs.find((x) => x.engine === 'webgpu');
    for (const x of b.runs) {
      const s = median(x.single);
      const p = median(x.pipelined);
      const os = ours && x !== ours ? ratio(s, median(ours.single)) : x === ours ? '1' : '-';
      const op = ours && x !== ours ? ratio(p, median(ours.pipelined)) : x === ours ? '1' : '-';
      const check = x === ours ? '(reference)' : x.check === undefined ? '-' : `${x.check.matches ? 'matches' : '**differs**'}: ${x.check.detail}`;
      const took = x.compileS === undefined ? '' : `compiled in ${x.compileS.toFixed(1)} s${x.checkS === undefined ? '' : `, checked in ${x.checkS.toFixed(1)} s`}`;
      const ran = x.error !== undefined ? `**failed**: ${x.error.replace(/\|/g, '/').slice(0, 300)}` : infoText(x.info);
      const what = [took, ran, x.stopped?.replace(/\|/g, '/').slice(0, 300) ?? ''].filter((t) => t !== '').join('; ');
      lines.push(`| ${x.engine} | ${x.variant} | ${ms(s)} (${x.single.length}) | ${os} | ${ms(p)} (${x.pipelinedRuns.reduce((a, c) => a + c, 0)}) | ${op} | ${ms(median(x.gpu))} | ${check} | ${what} |`);
    }
    lines.push('');
  }
  const targets = r.section === 'peers' ? r.blocks.filter((b) => b.runs.length > 0) : [];
  if (targets.length > 0) {
    lines.push('## Target: a compiled residual block >= 10x faster than both web peers', '');
    lines.push('| block | peer | variant | one run | back to back | >= 10x (one run) |', '|---|---|---|---:|---:|---|');
    for (const b of targets) {
      for (const q of ratios(b)) {
        const met = q.single === null ? 'not measured' : q.single >= 10 ? 'yes' : 'no';
        lines.push(`| ${b.name} | ${q.engine} | ${q.variant} | ${q.single === null ? '-' : `${q.single.toFixed(1)}x`} | ${q.pipelined === null ? '-' : `${q.pipelined.toFixed(1)}x`} | ${met} |`);
      }
    }
    lines.push('');
  }
  if (/swiftshader|fallback/i.test(r.device)) lines.push('On a software adapter (SwiftShader) every number is CPU-bound and says nothing about GPUs.', '');
  return `${lines.join('\n')}\n`;
}
