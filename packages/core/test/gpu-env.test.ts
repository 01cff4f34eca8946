/** The WebGPU adapter description and the Vulkan driver selection shared by the WebGPU adapters in Node. */
import * as fs from 'fs';
import { describeGpuAdapter } from '../src/gpu/describe';
import { SWIFTSHADER_ICD, explainNoAdapter, selectSwiftShader, type VulkanEnv } from '../src/gpu/dawn-env';

describe('describeGpuAdapter', () => {
  test('names vendor, architecture, device and description in that order, each once', () => {
    expect(describeGpuAdapter({ info: { vendor: 'google', architecture: 'swiftshader', device: 'subzero', description: 'SwiftShader Device (Subzero)' } })).toEqual({
      name: 'google swiftshader subzero SwiftShader Device (Subzero)',
      isFallbackAdapter: false,
    });
    expect(describeGpuAdapter({ info: { vendor: 'nvidia', architecture: '', device: 'nvidia', description: 'NVIDIA H200' } }).name).toBe('nvidia NVIDIA H200');
  });

  test('reads the fallback flag from info first, then from the adapter', () => {
    expect(describeGpuAdapter({ info: { isFallbackAdapter: true }, isFallbackAdapter: false }).isFallbackAdapter).toBe(true);
    expect(describeGpuAdapter({ info: {}, isFallbackAdapter: true }).isFallbackAdapter).toBe(true);
    expect(describeGpuAdapter({})).toEqual({ name: '', isFallbackAdapter: false });
  });
});

describe('selectSwiftShader', () => {
  const installed = process.platform === 'linux' && fs.existsSync(SWIFTSHADER_ICD);

  test('leaves a driver the user named alone', () => {
    const named = { VK_ICD_FILENAMES: '/my/icd.json' };
    expect(selectSwiftShader(named)).toBe(false);
    expect(named).toEqual({ VK_ICD_FILENAMES: '/my/icd.json' });
    const driverFiles: Record<string, string | undefined> = { VK_DRIVER_FILES: '/my/icd.json' };
    expect(selectSwiftShader(driverFiles)).toBe(false);
    expect(driverFiles['VK_ICD_FILENAMES']).toBeUndefined();
  });

  test(`points an environment without a driver at SwiftShader exactly when it is installed (${installed ? 'it is here' : 'it is not here'})`, () => {
    const env: Record<string, string | undefined> = { PATH: '/usr/bin' };
    expect(selectSwiftShader(env)).toBe(installed);
    expect(env).toEqual(installed ? { PATH: '/usr/bin', VK_ICD_FILENAMES: SWIFTSHADER_ICD } : { PATH: '/usr/bin' });
  });
});

describe('explainNoAdapter', () => {
  const base: VulkanEnv = { setByUs: false, hardwareIcds: [], libvulkan: true };

  test('no Vulkan loader: says so and how to install it', () => {
    expect(explainNoAdapter({ ...base, libvulkan: false })).toEqual({
      reason: 'Dawn found no WebGPU adapter: the Vulkan loader (libvulkan.so.1) is not installed',
      fix: "apt-get install libvulkan1 chromium (chromium ships the SwiftShader Vulkan ICD), or install your GPU's Vulkan driver",
    });
  });

  test('no ICD named: lists the hardware drivers tried', () => {
    expect(explainNoAdapter({ ...base, hardwareIcds: ['/usr/share/vulkan/icd.d/nvidia_icd.json'] }).reason).toBe(
      "Dawn found no WebGPU adapter: no usable Vulkan driver (tried nvidia_icd.json), and chromium's SwiftShader ICD is not installed",
    );
  });

  test('an ICD named: names it', () => {
    expect(explainNoAdapter({ ...base, icd: '/my/icd.json' })).toEqual({
      reason: 'Dawn found no WebGPU adapter with Vulkan ICD /my/icd.json',
      fix: `check the driver (vulkaninfo), or use SwiftShader: apt-get install chromium libvulkan1 and VK_ICD_FILENAMES=${SWIFTSHADER_ICD}`,
    });
  });
});
