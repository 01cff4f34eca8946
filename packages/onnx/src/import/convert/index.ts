/** Every ONNX op the importer converts (run-time values), one flat table. */
import { IMAGE_CONVERTERS } from './image';
import { LINEAR_CONVERTERS } from './linear';
import { SHAPE_CONVERTERS } from './shape';
import { Slice, Split } from './slice';
import { Gather } from './select';
import { Einsum } from './einsum';
import type { Converter } from './util';

export const CONVERTERS: Readonly<Record<string, Converter>> = {
  ...IMAGE_CONVERTERS,
  ...LINEAR_CONVERTERS,
  ...SHAPE_CONVERTERS,
  Slice,
  Split,
  Gather,
  Einsum,
};

export type { Converter } from './util';
