/**
 * tfjs:webgl and tfjs:webgpu (@skipconn/tfjs's browser entry) on one tfjs-core in the page. The
 * backend packages register themselves with that tfjs-core when imported; the adapters switch
 * the engine's active backend per compile and run, and refuse to start when tfjs falls back to
 * another backend than the one requested.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { createBrowserTfjsAdapter } from '@skipconn/tfjs/browser';
import type { PageAdapterProvider } from './provider';

export const providers: readonly PageAdapterProvider[] = [
  {
    name: 'tfjs:webgl',
    description: 'TensorFlow.js WebGL backend (@tensorflow/tfjs-backend-webgl) on the page tfjs-core',
    create: () => createBrowserTfjsAdapter('webgl', tf),
  },
  {
    name: 'tfjs:webgpu',
    description: "TensorFlow.js WebGPU backend (@tensorflow/tfjs-backend-webgpu) on the page's WebGPU",
    create: () => createBrowserTfjsAdapter('webgpu', tf),
  },
];
