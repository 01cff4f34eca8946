/**
 * The short soak CI runs (tools/soak/soak.ts; `npm run soak` is the long one): compile/run/dispose
 * cycles and repeated runs on the adapters that load inside plain jest here, failing when any
 * resources() count ends above where it started.
 */
import { soakAdapter } from '../soak/soak';
import '@skipconn/tfjs';

it.each(['reference', 'tfjs:cpu'])(
  '%s: 20 cycles and 100 runs leave no resources behind',
  async (adapter) => {
    const r = await soakAdapter(adapter, 20, 100);
    expect(r.available).toBe(true);
    expect(r.leaks).toEqual([]);
    expect(r.afterRuns!.resources).toEqual(r.start!.resources);
  },
  120_000,
);
