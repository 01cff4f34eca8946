/** `webgpu` (@skipconn/webgpu: skipconn's own WGSL kernels) on the page's navigator.gpu. */
import { createWebGpuAdapter } from '@skipconn/webgpu/browser';
import type { PageAdapterProvider } from './provider';

export const providers: readonly PageAdapterProvider[] = [
  {
    name: 'webgpu',
    description: "skipconn's own WGSL kernels (@skipconn/webgpu) on the page's WebGPU",
    create: () => createWebGpuAdapter({ host: 'local' }),
  },
];
