/// <reference types="@webgpu/types" />

/** "nvidia ... (fallback adapter)"-style words for the adapter behind a device. */
export function describeAdapter(device: GPUDevice): string {
  const info = (device as { adapterInfo?: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean } }).adapterInfo ?? {};
  const words = [info.vendor, info.architecture, info.device, info.description].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const name = [...new Set(words)].join(' ') || 'an unnamed adapter';
  return `${name}${info.isFallbackAdapter === true ? ' (fallback adapter)' : ''}`;
}
