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
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as object);
    for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, d + 1]);
  }
  return false;
}
