import { renderPeersMarkdown, renderSummaryTable, type EngineRun, type PeersResult } from '../bench/peers/report';
import { parseModelNames } from '../bench/models/run';

function run(engine: string, variant: string, single: number[], pipelined: number[], extra: Partial<EngineRun> = {}): EngineRun {
  return { engine, variant, info: {}, single, pipelined, pipelinedRuns: pipelined.map(() => 2), gpu: [], ...extra };
}

const engine = (e: string, variant: string) => ({ engine: e, variant, where: 'here', backend: 'test', timed: 'test' });

function result(): PeersResult {
  return {
    section: 'models',
    date: '2026-12-02T00:00:00.000Z',
    device: 'test device',
    sizes: 'quick',
    budgetS: 60,
    elapsedS: 10,
    complete: false,
    engines: [engine('webgpu', 'compiled'), engine('tfjs:webgpu', 'compiled program'), engine('ort-web:webgpu', 'session.run')],
    blocks: [
      {
        name: 'ResNet-50',
        shape: '[1,3,32,32]',
        rounds: 1,
        seconds: 5,
        runs: [
          run('webgpu', 'compiled', [2, 4], [1]),
          run('tfjs:webgpu', 'compiled program', [6], [3], { check: { matches: true, detail: 'ok' }, compileS: 41.26, checkS: 3.5 }),
          run('ort-web:webgpu', 'session.run', [], [], { error: 'no reply to | compile' }),
        ],
      },
      { name: 'ViT-B/16', shape: '[1,3,32,32]', rounds: 0, seconds: 0, runs: [], skipped: 'the time budget ran out before this block' },
    ],
  };
}

describe('whole-model bench report', () => {
  it('gives one summary line per model with ratios against this adapter, failures and skips', () => {
    const lines = renderSummaryTable(result());
    expect(lines[0]).toBe('| model | webgpu: one run / back to back | tfjs:webgpu compiled program: one run, back to back | ort-web:webgpu session.run: one run, back to back |');
    // Medians: webgpu 3 ms one run, 1 ms back to back; tfjs 6 and 3: 2.0x and 3.0x.
    expect(lines[2]).toBe('| ResNet-50, [1,3,32,32] | 3.000 / 1.000 ms | 6.000 ms (2.0x), 3.000 ms (3.0x), output matches | **failed**: no reply to / compile |');
    expect(lines[3]).toBe('| ViT-B/16, [1,3,32,32] | skipped: the time budget ran out before this block | | |');
    const md = renderPeersMarkdown(result());
    expect(md).toContain('## Summary');
    expect(md).toContain('| tfjs:webgpu | compiled program | 6.000 (1) | 2.0x | 3.000 (2) | 3.0x | - | matches: ok | compiled in 41.3 s, checked in 3.5 s |');
    expect(md).not.toContain('>= 10x');
  });

  it('refuses unknown model names, naming the known ones', () => {
    expect(parseModelNames('resnet50,encoder')).toEqual(['resnet50', 'encoder']);
    expect(() => parseModelNames('resnet50,vgg16')).toThrow('--whole-models: expected some of encoder,mobilenet_v2,densenet121,resnet50,vit_b_16, received vgg16');
  });
});
