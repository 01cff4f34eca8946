/** Which machine a report was made on, kept next to its adapters when reports are merged. */
import * as os from 'os';
import type { MachineInfo } from './types';

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return { host: os.hostname(), platform: os.platform(), arch: os.arch(), cpus: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}`, node: process.version };
}
