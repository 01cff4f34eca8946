/** Activations that merges (residual post-activation) and fused kernels may apply. */
export type ActivationKind = 'none' | 'relu' | 'gelu' | 'gelu_tanh' | 'sigmoid' | 'tanh' | 'silu';

export const ACTIVATION_KINDS: readonly ActivationKind[] = ['none', 'relu', 'gelu', 'gelu_tanh', 'sigmoid', 'tanh', 'silu'];
