import type { Context } from '../../context.js';
import { CATALOG_ROWS, checkEntityName } from '../../core/catalog.js';
import { terminalSafe } from '../../core/sanitize.js';
import { ExitCode, UsageError } from '../../errors.js';
import { colorFor } from '../../events/output.js';
import type { EventsCatalogDocument } from '../../schemas/events.js';
import { renderTable, terminalColumns } from '../../ui/table.js';

import type { EventsCatalogFlags } from './flags.js';

export interface EventsCatalogInput {
  entity: string | undefined;
  json: boolean;
}

export function catalogDocument(entity: string | undefined): EventsCatalogDocument {
  const rows = entity === undefined ? CATALOG_ROWS : CATALOG_ROWS.filter((r) => r.entity === entity);
  return {
    schemaVersion: 1,
    events: rows.map((r) => ({
      entity: r.entity,
      query: r.query,
      description: r.description,
      requestParameters: [...r.requestParameters],
    })),
  };
}

export function parse(opts: EventsCatalogFlags): EventsCatalogInput {
  let entity: string | undefined;
  if (opts.entity !== undefined) {
    const r = checkEntityName(opts.entity);
    if (!r.ok) {
      throw new UsageError(
        `Unknown --entity "${opts.entity}".`,
        r.suggestions.length > 0
          ? `Did you mean ${r.suggestions.map((s) => `"${s}"`).join(' or ')}?`
          : 'Run `prophecy-audit events catalog` for the list of entities.',
      );
    }
    entity = r.name;
  }
  return { entity, json: opts.json === true };
}

export async function run(ctx: Context, input: EventsCatalogInput): Promise<number> {
  const doc = catalogDocument(input.entity);
  if (input.json) {
    ctx.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return ExitCode.ok;
  }
  const c = colorFor(ctx, ctx.stdout);
  const table = renderTable(
    doc.events.map((e) => [
      terminalSafe(e.entity),
      c.bold(terminalSafe(e.query)),
      terminalSafe(e.description),
      terminalSafe(e.requestParameters.join(', ')),
    ]),
    {
      head: ['ENTITY', 'QUERY', 'DESCRIPTION', 'REQUEST PARAMETERS'],
      maxColumnWidth: 70,
      columns: terminalColumns(ctx.stdout),
    },
  );
  ctx.stdout.write(table);
  return ExitCode.ok;
}
