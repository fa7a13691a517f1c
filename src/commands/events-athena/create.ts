import type { AthenaClient } from '../../aws/athena.js';
import { databaseExists, getTableMetadata, type TableMetadata } from '../../aws/athena.js';
import type { Context } from '../../context.js';
import { terminalSafe } from '../../core/sanitize.js';
import { CliError, ExitCode, UsageError } from '../../errors.js';
import { type Ddl, DEFAULT_DATABASE, DEFAULT_TABLE, tableDifferences } from '../../events/athena/ddl.js';
import { runStatement } from '../../events/athena/statement.js';
import { paint, symbols } from '../../ui/color.js';
import { applyWithSpinners } from '../shared/steps/apply.js';
import { confirmOrAbort } from '../shared/steps/confirm.js';
import type { AthenaCreateFlags } from './flags.js';
import { type ExportTableInput, exportDdl, exportTableInput, outputLocation } from './input.js';

export interface AthenaCreateInput extends ExportTableInput {
  workgroup: string | undefined;
  outputLocation: string | undefined;
  yes: boolean;
  replace: boolean;
}

export interface CreateStep {
  title: string;
  change: 'create' | 'update' | 'none';
  detail: string;
  notes: string[];
  statements: string[];
}

/** The flags, checked before any AWS call; without a terminal, --yes is required (exit 2). */
export function parse(flags: AthenaCreateFlags, ctx: Context): AthenaCreateInput {
  const base = exportTableInput(flags, ctx);
  const input = {
    ...base,
    workgroup: flags.workgroup,
    outputLocation: outputLocation(flags.outputLocation),
    yes: flags.yes === true,
    replace: flags.replace === true,
  };
  if (!input.yes && !(ctx.stdinIsTTY && ctx.stderr.isTTY === true)) {
    throw new UsageError(
      'stdin is not a terminal, so `events athena create` cannot ask for confirmation: pass --yes.',
      'Run `prophecy-audit events athena ddl` (same flags) to see the statements first.',
    );
  }
  return input;
}

/** A projection range only moves with time (the first day found, the last year projected). */
const RANGE_ONLY = /^projection\.[^.:]+\.range:/;

/** What to do with the table: create it, leave it, replace it, or refuse (a different one, no --replace). */
export function tableStep(
  ddl: Ddl,
  existing: TableMetadata | undefined,
  replace: boolean,
): CreateStep | { refused: string[] } {
  const title = `Table ${ddl.database}.${ddl.table}`;
  const parts = ddl.definition.partitionKeys.map((k) => k.name).join(', ');
  const detail = `JSON Lines in ${ddl.location}${parts ? `, partitioned by ${parts} (projected)` : ', unpartitioned'}`;
  const create = ddl.statements[1] as string;
  if (!existing) return { title, change: 'create', detail, notes: [], statements: [create] };
  const diffs = tableDifferences(ddl.definition, existing);
  if (existing.tableType !== undefined && existing.tableType !== 'EXTERNAL_TABLE') {
    diffs.unshift(`table type: ${existing.tableType} → EXTERNAL_TABLE`);
  }
  const ranges = diffs.filter((d) => RANGE_ONLY.test(d));
  const others = diffs.filter((d) => !RANGE_ONLY.test(d));
  const drop = `DROP TABLE IF EXISTS \`${ddl.database}\`.\`${ddl.table}\``;
  if (others.length === 0 && (ranges.length === 0 || !replace)) {
    return {
      title,
      change: 'none',
      detail: 'exists with the same definition',
      notes: ranges.map(
        (r) =>
          `only the projected date range differs (${r}): treated as no change, since queries outside the range only find nothing there; --replace re-creates the table with the new range`,
      ),
      statements: [],
    };
  }
  if (!replace) return { refused: others };
  return {
    title,
    change: 'update',
    detail: `drop and re-create (${detail}); the objects in S3 are not touched`,
    notes: diffs,
    statements: [drop, create],
  };
}

const LABEL = { create: '[create]', update: '[replace]', none: '[no change]' } as const;

export function renderPlan(steps: CreateStep[], where: string, stream: NodeJS.WriteStream): string {
  const c = paint(stream);
  const lines = ['', c.bold(`Plan for Athena (${where}):`)];
  steps.forEach((s, i) => {
    const label =
      s.change === 'none'
        ? c.dim(LABEL.none)
        : s.change === 'create'
          ? c.green(LABEL.create)
          : c.yellow(LABEL.update);
    lines.push(`  ${i + 1}. ${label} ${s.title}: ${terminalSafe(s.detail)}`);
    for (const n of s.notes) lines.push(`       ${c.dim(`note: ${terminalSafe(n)}`)}`);
  });
  if (steps.every((s) => s.change === 'none')) {
    lines.push(c.green(`${symbols.pass} Nothing to change: the database and table are already there.`));
  }
  return `${lines.join('\n')}\n`;
}

async function look(ctx: Context, athena: AthenaClient, ddl: Ddl) {
  const dbThere = await databaseExists(athena, { database: ddl.database }, ctx.signal);
  const table = dbThere
    ? await getTableMetadata(athena, { database: ddl.database, table: ddl.table }, ctx.signal)
    : undefined;
  return { dbThere, table };
}

export async function run(ctx: Context, input: AthenaCreateInput): Promise<number> {
  const { ddl } = await exportDdl(ctx, input);
  const aws = ctx.aws(input.aws);
  const athena = await aws.athena();
  try {
    const found = await look(ctx, athena, ddl);
    const table = tableStep(ddl, found.table, input.replace);
    if ('refused' in table) {
      throw new CliError(
        `The Athena table ${ddl.database}.${ddl.table} exists with a different definition:\n${table.refused.map((d) => `  ${terminalSafe(d)}`).join('\n')}`,
        {
          hint: 'Pass --replace to drop and re-create it (the objects in S3 are not touched), or choose another --table. Nothing was changed.',
        },
      );
    }
    const steps: CreateStep[] = [
      found.dbThere
        ? { title: `Database ${ddl.database}`, change: 'none', detail: 'exists', notes: [], statements: [] }
        : {
            title: `Database ${ddl.database}`,
            change: 'create',
            detail: 'CREATE DATABASE IF NOT EXISTS',
            notes: [],
            statements: [ddl.statements[0] as string],
          },
      table,
    ];
    const where = [
      `region ${aws.settings.region || ctx.env.AWS_REGION || ctx.env.AWS_DEFAULT_REGION || 'us-east-1'}`,
      `workgroup ${input.workgroup ?? 'primary'}`,
    ].join(', ');
    ctx.stderr.write(renderPlan(steps, where, ctx.stderr));
    if (steps.every((s) => s.change === 'none')) return ExitCode.ok;
    if (!input.yes)
      await confirmOrAbort(ctx, [{ message: 'Run these statements in Athena?', default: false }]);
    // DDL runs in the `default` database: the statements name theirs, which may not exist yet.
    const target = { database: 'default', workgroup: input.workgroup, outputLocation: input.outputLocation };
    await applyWithSpinners(
      ctx,
      steps,
      async (step) => {
        for (const sql of step.statements) await runStatement(ctx, athena, sql, target);
      },
      { command: 'events athena create' },
    );
    const c = paint(ctx.stderr);
    const flags = [
      `--bucket ${input.bucket}`,
      ...(ddl.database === DEFAULT_DATABASE ? [] : [`--database ${ddl.database}`]),
      ...(ddl.table === DEFAULT_TABLE ? [] : [`--table ${ddl.table}`]),
      ...(input.workgroup ? [`--workgroup ${input.workgroup}`] : []),
      ...(input.outputLocation ? [`--output-location ${input.outputLocation}`] : []),
    ];
    ctx.stderr.write(
      `${c.green(symbols.pass)} Query it with: prophecy-audit events query ${terminalSafe(flags.join(' '))} --engine athena --since 7d\n`,
    );
    return ExitCode.ok;
  } finally {
    athena.destroy();
  }
}
