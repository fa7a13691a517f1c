/** `s` as a regular expression that matches exactly it (JavaScript, RE2 and DuckDB share these metacharacters). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
