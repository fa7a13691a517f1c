import type { EventFacts } from '../core/event.js';
import type { FactNeeds } from './line-facts.js';
import { type CompiledPrefilter, compilePrefilter } from './scan.js';

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

/** The filter as a test on an event's facts, with the raw-line pre-filter (scan.ts) for the same flags. */
export interface CompiledFilter extends CompiledPrefilter {
  /** OR within --entity, OR within --query, AND across flags; --since inclusive, --until exclusive. */
  matches(facts: EventFacts): boolean;
  /** The facts `matches` looks at beyond entity and query (what a line-facts reader must fill in). */
  needs: FactNeeds;
}

export function compileFilter(f: EventFilter): CompiledFilter {
  const entities = new Set(f.entities.map((e) => e.toLowerCase()));
  const queries = new Set(f.queries.map((q) => q.toLowerCase()));
  const user = f.user?.toLowerCase();
  return {
    ...compilePrefilter(f),
    needs: {
      time: f.sinceMs !== undefined || f.untilMs !== undefined,
      users: user !== undefined,
      outcome: f.failedOnly,
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
