/**
 * JSON.parse copes with any nesting, but every recursive walk after it (redaction, JSON.stringify for
 * output, a renderer) does not: a record nested 100,000 levels deep ends in "Maximum call stack size
 * exceeded". Such records are refused up front, so everything downstream may recurse freely. Real audit
 * events are a handful of levels deep; 256 leaves ample room and stays far below the stack's limit.
 */
export const MAX_RECORD_DEPTH = 256;

/** True when `value` nests arrays/objects more than `max` levels deep. Iterative: it cannot overflow itself. */
export function exceedsDepth(value: unknown, max: number = MAX_RECORD_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  // Two parallel stacks and for-in: this runs on every matching record, so no per-node allocation.
  const values: object[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const v = values.pop() as Record<string, unknown>;
    const d = depths.pop() as number;
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (const c of v as unknown[]) {
        if (c !== null && typeof c === 'object') {
          values.push(c);
          depths.push(d + 1);
        }
      }
      continue;
    }
    for (const k in v) {
      const c = v[k];
      if (c !== null && typeof c === 'object') {
        values.push(c);
        depths.push(d + 1);
      }
    }
  }
  return false;
}
