import { CATALOG_ROWS, type CatalogRow } from './catalog-data.js';

export { CATALOG_ROWS, type CatalogRow };

/** Entity names in the catalog's order of first appearance. */
export const CATALOG_ENTITIES: readonly string[] = [...new Set(CATALOG_ROWS.map((r) => r.entity))];

/** Distinct query names in catalog order (the two duplicated names appear once). */
export const CATALOG_QUERIES: readonly string[] = [...new Set(CATALOG_ROWS.map((r) => r.query))];

const entityByLower = new Map(CATALOG_ENTITIES.map((e) => [e.toLowerCase(), e]));
const queryByLower = new Map(CATALOG_QUERIES.map((q) => [q.toLowerCase(), q]));
// Duplicated query names belong to the same entity in the vendor table, so the first row decides.
const entityOfQuery = new Map<string, string>();
for (const r of CATALOG_ROWS) {
  const k = r.query.toLowerCase();
  if (!entityOfQuery.has(k)) entityOfQuery.set(k, r.entity);
}

export function rowsForEntity(entity: string): CatalogRow[] {
  const e = entity.toLowerCase();
  return CATALOG_ROWS.filter((r) => r.entity.toLowerCase() === e);
}

/** Query names (distinct) of one entity, as the catalog spells them. */
export function queriesOfEntity(entity: string): string[] {
  return [...new Set(rowsForEntity(entity).map((r) => r.query))];
}

/** The entity a query name belongs to, case-insensitively, or undefined when the catalog does not know it. */
export function inferEntity(query: string): string | undefined {
  return entityOfQuery.get(query.toLowerCase());
}

export function canonicalEntity(name: string): string | undefined {
  return entityByLower.get(name.toLowerCase());
}

export function canonicalQuery(name: string): string | undefined {
  return queryByLower.get(name.toLowerCase());
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** Up to three known names close to `name`: small edit distance first, then names containing it. */
export function suggest(name: string, known: readonly string[]): string[] {
  const n = name.toLowerCase();
  const scored = known
    .map((k) => {
      const l = k.toLowerCase();
      const d = editDistance(n, l);
      const contains = n.length >= 3 && (l.includes(n) || n.includes(l));
      return { k, d, ok: d <= Math.max(2, Math.floor(n.length / 3)) || contains };
    })
    .filter((s) => s.ok)
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, 3).map((s) => s.k);
}

export type NameCheck =
  | { ok: true; name: string; known: boolean }
  | { ok: false; name: string; suggestions: string[] };

function check(
  name: string,
  lookup: (n: string) => string | undefined,
  known: readonly string[],
  allowUnknown: boolean,
): NameCheck {
  const found = lookup(name.trim());
  if (found) return { ok: true, name: found, known: true };
  if (allowUnknown) return { ok: true, name: name.trim(), known: false };
  return { ok: false, name, suggestions: suggest(name.trim(), known) };
}

/** Case-insensitive check of an --entity value; the canonical spelling when known. */
export function checkEntityName(name: string, allowUnknown = false): NameCheck {
  return check(name, canonicalEntity, CATALOG_ENTITIES, allowUnknown);
}

/** Case-insensitive check of a --query value; the canonical spelling when known. */
export function checkQueryName(name: string, allowUnknown = false): NameCheck {
  return check(name, canonicalQuery, CATALOG_QUERIES, allowUnknown);
}
