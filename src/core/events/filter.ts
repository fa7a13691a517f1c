import { queriesOfEntity } from '../catalog.js';
import type { EventFacts } from './event.js';

/** The filters of `events query`, already validated (canonical names, bounds in epoch ms). */
export interface EventFilter {
  entities: string[];
  queries: string[];
  user: string | undefined;
  sinceMs: number | undefined;
  untilMs: number | undefined;
  failedOnly: boolean;
}

export const NO_FILTER: EventFilter = {
  entities: [],
  queries: [],
  user: undefined,
  sinceMs: undefined,
  untilMs: undefined,
  failedOnly: false,
};

export interface CompiledFilter {
  /** OR within --entity, OR within --query, AND across flags; --since inclusive, --until exclusive. */
  matches(facts: EventFacts): boolean;
  /**
   * A cheap test on the raw JSON line: false means the record cannot match, so it need not be parsed.
   * It never rejects a record that could match (strings with JSON \u escapes are always let through).
   */
  mayMatch(line: string): boolean;
  /** True when mayMatch can reject anything (there is something to look for in the raw text). */
  prefilters: boolean;
  /**
   * A global regex for one required string (or a JSON \u escape) to search whole chunks with, so lines
   * that cannot match are skipped without even being cut out of the text.
   */
  needle: RegExp | undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function alternatives(words: Iterable<string>): string {
  return [...new Set([...words].map((w) => w.toLowerCase()))].map(escapeRegExp).join('|');
}

function anyOf(words: Iterable<string>): RegExp {
  return new RegExp(alternatives(words), 'i');
}

export function compileFilter(f: EventFilter): CompiledFilter {
  const entities = new Set(f.entities.map((e) => e.toLowerCase()));
  const queries = new Set(f.queries.map((q) => q.toLowerCase()));
  const user = f.user?.toLowerCase();

  const words: string[][] = [];
  if (queries.size > 0) words.push(f.queries);
  // The entity may be absent from the record and inferred from the query name, so any of the
  // entity's query names in the line is enough to keep it.
  if (entities.size > 0) words.push(f.entities.flatMap((e) => [e, ...queriesOfEntity(e)]));
  if (user) words.push([user]);
  const tests = words.map(anyOf);
  const first = words[0];

  return {
    prefilters: tests.length > 0,
    needle: first ? new RegExp(alternatives(first), 'gi') : undefined,
    mayMatch(line: string): boolean {
      for (const t of tests) {
        if (!t.test(line)) return line.includes('\\u');
      }
      return true;
    },
    matches(e: EventFacts): boolean {
      if (queries.size > 0 && !queries.has(e.query.toLowerCase())) return false;
      if (entities.size > 0 && (e.entity === undefined || !entities.has(e.entity.toLowerCase())))
        return false;
      if (f.sinceMs !== undefined && (e.timeMs === undefined || e.timeMs < f.sinceMs)) return false;
      if (f.untilMs !== undefined && (e.timeMs === undefined || e.timeMs >= f.untilMs)) return false;
      if (f.failedOnly && !e.failed) return false;
      if (user !== undefined && !e.users.some((u) => u.toLowerCase().includes(user))) return false;
      return true;
    },
  };
}
