/**
 * Node only: the Vulkan environment Dawn (the `webgpu` npm package) needs, shared by the adapters
 * that run WebGPU in Node. Dawn finds its driver through the Vulkan loader, which reads the real
 * process environment when Dawn loads, so whatever is chosen here must be set before that, on the
 * main thread (a worker's process.env is a copy) or in the environment of a child process.
 *
 * On CPU machines the driver Dawn accepts is SwiftShader, which Debian's chromium ships as a
 * Vulkan ICD (Mesa's lavapipe, often the only other driver there, is rejected by Dawn). This
 * module only finds and selects drivers; loading Dawn itself stays with each adapter, so core
 * does not depend on the `webgpu` package.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Debian chromium's SwiftShader Vulkan ICD: a software Vulkan driver Dawn accepts. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const LIBVULKAN = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1', '/usr/local/lib/libvulkan.so.1'];

/** The variables by which a user names the Vulkan driver; when one is set, we never choose for them. */
const ICD_VARIABLES = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES'] as const;

export interface VulkanEnv {
  /** The ICD file in use when we know it. */
  readonly icd?: string;
  /** True when this module set VK_ICD_FILENAMES. */
  readonly setByUs: boolean;
  /** Installed hardware (non-lavapipe, non-SwiftShader) ICD manifests. */
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

/**
 * Points `env` (process.env, or the environment of a child process about to start) at SwiftShader
 * when it names no Vulkan driver and SwiftShader is installed. Returns whether it did.
 */
export function selectSwiftShader(env: Record<string, string | undefined>): boolean {
  if (ICD_VARIABLES.some((name) => env[name] !== undefined) || process.platform !== 'linux' || !fs.existsSync(SWIFTSHADER_ICD)) return false;
  env['VK_ICD_FILENAMES'] = SWIFTSHADER_ICD;
  return true;
}

/** Points this process's Vulkan loader at SwiftShader when the user named no ICD and it is installed; undefined otherwise. */
export function useSwiftShader(env: VulkanEnv): VulkanEnv | undefined {
  if (env.icd !== undefined || !selectSwiftShader(process.env)) return undefined;
  return { ...env, icd: SWIFTSHADER_ICD, setByUs: true };
}

/** Why Dawn found no adapter, and how to fix it, from what is installed. */
export function explainNoAdapter(env: VulkanEnv): { reason: string; fix: string } {
  if (!env.libvulkan) {
    return {
      reason: 'Dawn found no WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed',
      fix: "apt-get install libvulkan1 chromium (chromium ships the SwiftShader Vulkan ICD), or install your GPU's Vulkan driver",
    };
  }
  if (env.icd === undefined) {
    const tried = env.hardwareIcds.length > 0 ? ` (tried ${env.hardwareIcds.map((f) => path.basename(f)).join(', ')})` : '';
    return {
      reason: `Dawn found no WebGPU adapter: no usable Vulkan driver${tried}, and chromium's SwiftShader ICD is not installed`,
      fix: `apt-get install chromium libvulkan1 (for its SwiftShader ICD at ${SWIFTSHADER_ICD}), or install your GPU's Vulkan driver`,
    };
  }
  return {
    reason: `Dawn found no WebGPU adapter with Vulkan ICD ${env.icd}`,
    fix: `check the driver (vulkaninfo), or use SwiftShader: apt-get install chromium libvulkan1 and VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
  };
}
