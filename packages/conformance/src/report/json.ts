/**
 * The JSON report: ConformanceReport as stable, documented JSON (docs/conformance.md). Error
 * numbers are already encoded (NaN and Infinity as strings), so plain JSON.stringify is exact.
 */
import type { ConformanceReport } from '../types';

export function renderJsonReport(report: ConformanceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
