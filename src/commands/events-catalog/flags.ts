import { Command } from '@commander-js/extra-typings';
import { examples } from '../shared/flags.js';

export function eventsCatalogCommand() {
  return new Command('catalog')
    .description(
      "Print Prophecy's reference of audit events: entity, query name, description, request parameters.",
    )
    .option('--entity <name>', 'only this entity')
    .option('--json', 'print JSON on stdout (schemaVersion 1)')
    .addHelpText(
      'after',
      examples([
        'prophecy-audit events catalog',
        'prophecy-audit events catalog --entity Git --json | jq .events[].query',
      ]),
    );
}

export type EventsCatalogFlags = ReturnType<ReturnType<typeof eventsCatalogCommand>['opts']>;
