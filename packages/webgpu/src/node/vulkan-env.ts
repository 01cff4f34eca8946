/**
 * Node only: finding a Vulkan driver for Dawn before it loads. Runs on the main thread, because
 * the Vulkan loader reads the real process environment and a worker's process.env is a copy.
 *
 * Dawn first looks with the environment as it is, so a machine with a GPU driver uses its GPU.
 * Only when that finds no adapter, and the user set no ICD variable, is VK_ICD_FILENAMES pointed
 * at Debian chromium's SwiftShader ICD and the search repeated (Mesa's lavapipe, often the only
 * driver on CPU machines, is rejected by Dawn).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const LIBVULKAN = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
  '/usr/local/lib/libvulkan.so.1',
];

export interface VulkanEnv {
  /** The ICD file in use when we know it. */
  readonly icd?: string;
  /** True when this function set VK_ICD_FILENAMES. */
  readonly setByUs: boolean;
  /** Installed hardware (non-lavapipe) ICD manifests. */
  readonly hardwareIcds: readonly string[];
  readonly libvulkan: boolean;
}

function listIcds(): string[] {
  const out: string[] = [];
  for (const dir of ICD_DIRS) {
    try {
      for (const f of fs.readdirSync(dir)) if (f.endsWith('.json')) out.push(path.join(dir, f));
    } catch {
      // directory absent
    }
  }
  return out;
}

/** What is installed, and which ICD the environment names. */
export function vulkanEnv(): VulkanEnv {
  const libvulkan = process.platform !== 'linux' || LIBVULKAN.some((p) => fs.existsSync(p));
  const hardwareIcds = listIcds().filter((f) => !/lvp|lavapipe|swiftshader/i.test(path.basename(f)));
  const given = process.env['VK_ICD_FILENAMES'] ?? process.env['VK_DRIVER_FILES'];
  return { ...(given ? { icd: given } : {}), setByUs: false, hardwareIcds, libvulkan };
}

/** Points the Vulkan loader at SwiftShader when the user named no ICD and it is installed; false otherwise. */
export function useSwiftShader(env: VulkanEnv): VulkanEnv | undefined {
  if (env.icd !== undefined || process.platform !== 'linux' || !fs.existsSync(SWIFTSHADER_ICD)) return undefined;
  process.env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  return { ...env, icd: SWIFTSHADER_ICD, setByUs: true };
}

/** Why Dawn found no adapter, and how to fix it, from what is installed. */
export function explainNoAdapter(env: VulkanEnv): { reason: string; fix: string } {
  if (!env.libvulkan) {
    return { reason: 'Dawn found no WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed', fix: 'apt-get install libvulkan1 chromium (chromium ships the SwiftShader Vulkan ICD), or install your GPU\'s Vulkan driver' };
  }
  if (env.icd === undefined) {
    const tried = env.hardwareIcds.length > 0 ? ` (tried ${env.hardwareIcds.map((f) => path.basename(f)).join(', ')})` : '';
    return { reason: `Dawn found no WebGPU adapter: no usable Vulkan driver${tried}, and chromium's SwiftShader ICD is not installed`, fix: `apt-get install chromium libvulkan1 (for its SwiftShader ICD at ${SWIFTSHADER_ICD}), or install your GPU's Vulkan driver` };
  }
  return {
    reason: `Dawn found no WebGPU adapter with Vulkan ICD ${env.icd ?? env.hardwareIcds.join(', ')}`,
    fix: `check the driver (vulkaninfo), or use SwiftShader: apt-get install chromium libvulkan1 and VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
  };
}
