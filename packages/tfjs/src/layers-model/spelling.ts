/**
 * tfjs-layers rewrites config spelling: loading a model.json camel-cases every key and every
 * string value ('half_pixel' -> 'halfPixel'), saving snake-cases them ('NHWC' -> 'nhwc'). Keras
 * in Python writes snake_case. These helpers read either spelling.
 */

/** toCamelCase as tfjs-layers does it (generic_utils.toCamelCase). */
export function camel(s: string): string {
  if (s.length <= 1 || !s.includes('_')) return s;
  return s.replace(/[_]+(\w|$)/g, (_m, c: string) => c.toUpperCase());
}

/** A config with every key camel-cased (values untouched), recursively. */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), camelKeys(x)]));
  return v;
}

const IR_SPELLING: Readonly<Record<string, string>> = {
  halfPixel: 'half_pixel',
  pytorchHalfPixel: 'pytorch_half_pixel',
  alignCorners: 'align_corners',
  roundPreferFloor: 'round_prefer_floor',
  roundPreferCeil: 'round_prefer_ceil',
  geluTanh: 'gelu_tanh',
};

/** IR attribute values back in the IR's spelling after tfjs-layers camel-cased them. */
export function irAttrValue(v: unknown): unknown {
  if (typeof v === 'string') return IR_SPELLING[v] ?? v;
  if (Array.isArray(v)) return v.map(irAttrValue);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), irAttrValue(x)]));
  return v;
}
