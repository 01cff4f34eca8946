import { unaryOp } from './unary';
import { readEnum, rejectUnknownAttrs } from './attrs';

export const GELU = 'gelu';

export interface GeluAttrs {
  /** 'none': x * Phi(x) with the exact erf; 'tanh': 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))). */
  readonly approximate: 'none' | 'tanh';
}

export const gelu = unaryOp<GeluAttrs, typeof GELU>(GELU, 'y = x * Phi(x) (erf form) or its tanh approximation', (raw, ref) => {
  rejectUnknownAttrs(raw, ['approximate'], ref);
  return { approximate: readEnum(raw, 'approximate', ['none', 'tanh'] as const, 'none', ref) };
});
