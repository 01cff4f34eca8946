#!/usr/bin/python3
"""The practical roofline of a residual add on this machine's GPU: PyTorch's own torch.add.

    python3 tools/gpu/torch_add.py [--elements N] [--reps R] [--json FILE]

Adds two float32 tensors of N elements (default 16M, the peers bench's residual add) into a
preallocated output, timed with CUDA events: the median of R timed adds after 10 untimed ones,
and R adds back to back between one pair of events. Bandwidth counts 12 bytes per element (two
reads, one write). Without CUDA it says so and exits 0, so a run script can go on.
"""
import json
import sys


def main():
    args = sys.argv[1:]

    def opt(name, default):
        if name in args:
            i = args.index(name)
            if i + 1 >= len(args):
                sys.exit(f'{name}: expected a value after it')
            return args[i + 1]
        return default

    n = int(float(opt('--elements', 16 * 1024 * 1024)))
    reps = int(opt('--reps', 100))
    out = opt('--json', None)
    if n < 1 or reps < 1:
        sys.exit(f'--elements and --reps: expected positive numbers, received {n} and {reps}')
    result = {'what': 'torch.add(a, b, out=c), float32', 'elements': n, 'reps': reps}
    try:
        import torch
    except ImportError as err:
        result['error'] = f'PyTorch is not installed: {err}'
    else:
        result['torch'] = torch.__version__
        if not torch.cuda.is_available():
            result['error'] = 'CUDA is not available to PyTorch here'
        else:
            dev = torch.device('cuda')
            result['device'] = torch.cuda.get_device_name(dev)
            g = torch.Generator(device=dev).manual_seed(1)
            a = torch.rand(n, device=dev, generator=g)
            b = torch.rand(n, device=dev, generator=g)
            c = torch.empty_like(a)
            for _ in range(10):
                torch.add(a, b, out=c)
            torch.cuda.synchronize()
            single = []
            for _ in range(reps):
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                torch.add(a, b, out=c)
                end.record()
                end.synchronize()
                single.append(start.elapsed_time(end))
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(reps):
                torch.add(a, b, out=c)
            end.record()
            end.synchronize()
            single.sort()
            median = single[len(single) // 2] if reps % 2 else (single[reps // 2 - 1] + single[reps // 2]) / 2
            back_to_back = start.elapsed_time(end) / reps
            ok = torch.equal(c, a + b)
            result.update({
                'median_ms': median, 'min_ms': single[0], 'back_to_back_ms': back_to_back,
                'median_tb_s': 12 * n / (median * 1e-3) / 1e12, 'back_to_back_tb_s': 12 * n / (back_to_back * 1e-3) / 1e12,
                'output_checked': bool(ok),
            })
    text = json.dumps(result, indent=2)
    print(text)
    if out is not None:
        with open(out, 'w') as f:
            f.write(text + '\n')


if __name__ == '__main__':
    main()
