/**
 * The whole suite on the `reference` adapter: the oracle must pass every case with 0 failures
 * (it is judged against its own float64 goldens rounded to float32, and against the literal,
 * hand-checked values).
 */
import { createReferenceAdapter } from '@skipconn/core';
import { describeConformance } from '../src';

describeConformance(createReferenceAdapter);
