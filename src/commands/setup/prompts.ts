import type { Context } from '../../context.js';
import { bucketForSuffix, checkSuffix } from '../../core/bucket-name.js';
import { isDefaultRegion, regionName, searchRegions } from '../../core/regions.js';
import { DEFAULT_REGION, NON_DEFAULT_REGION_NOTE } from '../../core/vendor.js';
import { setupSuffixSchema } from '../../schemas/setup.js';
import { paint, symbols } from '../../ui/color.js';

/**
 * The wizard's questions, asked through the context's prompts (inquirer, loaded on the first question).
 * Prompts draw on stderr (stdout is for data) and read the terminal on stdin; Ctrl-C makes inquirer throw
 * ExitPromptError, which src/cli.ts turns into exit 130 "Aborted, nothing was changed".
 */

export function validateSuffix(value: string): true | string {
  const r = setupSuffixSchema.safeParse(value);
  return r.success ? true : (r.error.issues[0]?.message ?? 'invalid suffix');
}

/**
 * While typing, the line shows the whole bucket name with a live ✔/✖; the reason for a ✖ appears
 * on Enter. The value stays last on the line, because inquirer places the cursor by it.
 */
export function suffixDisplay(value: string, isFinal: boolean, stream: NodeJS.WriteStream): string {
  const c = paint(stream);
  if (isFinal) return c.cyan(bucketForSuffix(value));
  if (!value) return '';
  const ok = checkSuffix(value).ok;
  const mark = ok ? c.green(symbols.pass) : c.red(symbols.fail);
  const prefix = bucketForSuffix('');
  return `${mark} ${c.dim(prefix)}${ok ? value : c.red(value)}`;
}

export async function askSuffix(ctx: Context, defaultSuffix: string): Promise<string> {
  const c = paint(ctx.stderr);
  ctx.stderr.write(
    c.dim(
      `The bucket will be named ${bucketForSuffix('<suffix>')}. The default suffix is your account id: unique to you, and the same on every run.\n`,
    ),
  );
  const { input } = await ctx.prompts();
  const suffix = await input(
    {
      message: 'Bucket suffix:',
      default: defaultSuffix,
      validate: validateSuffix,
      transformer: (value, { isFinal }) => suffixDisplay(value, isFinal, ctx.stderr),
    },
    { output: ctx.stderr },
  );
  return suffix.trim();
}

export function regionChoices(term: string | undefined) {
  return searchRegions(term).map((r) => ({
    value: r.code,
    name: `${r.code.padEnd(15)} ${r.name}${isDefaultRegion(r.code) ? '  (recommended by Prophecy)' : ''}`,
    short: r.code,
  }));
}

/** A searchable list with us-east-1 first; any other choice shows the vendor's note and asks again. */
export async function askRegion(ctx: Context): Promise<string> {
  const c = paint(ctx.stderr);
  const { search, confirm } = await ctx.prompts();
  for (;;) {
    const region = await search(
      {
        message: 'Region for the bucket (type to filter):',
        source: (term) => regionChoices(term),
        pageSize: 10,
      },
      { output: ctx.stderr },
    );
    if (isDefaultRegion(region)) return region;
    ctx.stderr.write(
      `${c.yellow(`${symbols.warn} ${region} (${regionName(region)}) is not ${DEFAULT_REGION}.`)} ${NON_DEFAULT_REGION_NOTE}\n`,
    );
    if (await confirm({ message: `Use ${region} anyway?`, default: false }, { output: ctx.stderr })) {
      return region;
    }
  }
}
