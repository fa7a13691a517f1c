import type { EventFacts } from '../../src/core/event.js';
import type { FactNeeds } from '../../src/events/line-facts.js';

/**
 * The facts a reader asking for `need` gets: what the full parse (readFacts) gives, without params, and with
 * the facts it did not ask for left empty, as lineFacts leaves them.
 */
export function factsFor(facts: EventFacts, need: FactNeeds): EventFacts {
  return {
    ...facts,
    params: undefined,
    ...(need.time ? {} : { timeMs: undefined }),
    ...(need.users ? {} : { users: [], user: undefined }),
    ...(need.outcome ? {} : { outcome: undefined, failed: false }),
  };
}
