import { renderPolicyDiff } from '../../core/policy-diff.js';
import { terminalSafe } from '../../core/sanitize.js';
import {
  isKeyPolicyStep,
  isPolicyStep,
  type ManualStep,
  type SetupPlan,
  type StepChange,
} from '../../core/setup-plan.js';
import { DEFAULT_REGION, NON_DEFAULT_REGION_NOTE } from '../../core/vendor.js';
import type { SetupPlanDocument } from '../../schemas/setup.js';
import { checkEntries } from '../../schemas/verify.js';
import { paint, symbols } from '../../ui/color.js';

const LABEL: Record<StepChange, string> = { create: 'create', update: 'update', none: 'no change' };

function stepLabel(change: StepChange, c: ReturnType<typeof paint>): string {
  const text = `[${LABEL[change]}]`;
  return change === 'none' ? c.dim(text) : change === 'create' ? c.green(text) : c.yellow(text);
}

function diffLine(line: string, c: ReturnType<typeof paint>): string {
  if (line.startsWith('+')) return c.green(line);
  if (line.startsWith('-')) return c.red(line);
  if (line.startsWith('~')) return c.yellow(line);
  if (line.startsWith('=')) return c.dim(line);
  return line;
}

/** The plan for people, on stderr: one line per step, the policy diff under its step, then warnings. */
export function renderPlan(plan: SetupPlan, stream: NodeJS.WriteStream): string {
  const c = paint(stream);
  const lines = ['', c.bold(`Plan for ${plan.bucket} (${plan.region}, account ${plan.account}):`)];
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${stepLabel(step.change, c)} ${step.title}: ${terminalSafe(step.detail)}`);
    if ((isPolicyStep(step) || isKeyPolicyStep(step)) && step.change !== 'none') {
      // Statement summaries quote the stored policy (Sids, conditions), which is not ours to trust on a terminal.
      for (const l of renderPolicyDiff(step.diff)) lines.push(`       ${diffLine(terminalSafe(l), c)}`);
    }
    for (const n of step.notes) lines.push(`       ${c.dim(`note: ${n}`)}`);
  });
  for (const m of plan.manual) lines.push(...renderManual(m, c));
  if (plan.findings.length > 0) {
    lines.push(c.bold('Settings setup does not change (verify will check them):'));
    const mark = { pass: c.green(symbols.pass), warn: c.yellow(symbols.warn), fail: c.red(symbols.fail) };
    for (const f of plan.findings) {
      const text = terminalSafe(f.message, { newlines: true });
      lines.push(
        `  ${mark[f.status]} ${f.id}: ${f.status === 'fail' ? c.red(text) : f.status === 'warn' ? c.yellow(text) : text}`,
      );
    }
  }
  for (const w of plan.warnings) lines.push(`${c.yellow(`${symbols.warn} ${w}`)}`);
  for (const b of plan.blockers) lines.push(c.red(`${symbols.fail} ${terminalSafe(b)}`));
  if (plan.satisfied && plan.manual.length === 0 && plan.blockers.length === 0) {
    lines.push(c.green(`${symbols.pass} Nothing to change: the bucket is already set up.`));
  }
  return `${lines.join('\n')}\n`;
}

/** A manual step, with the exact statement to add. */
export function renderManual(m: ManualStep, c: ReturnType<typeof paint>): string[] {
  return [
    `  ${c.yellow('[manual]')} ${m.title}: ${terminalSafe(m.detail)}. Add this statement to the key policy (or re-run with --update-key-policy):`,
    ...JSON.stringify(m.statement, null, 2)
      .split('\n')
      .map((l) => `       ${l}`),
  ];
}

export function planDocument(plan: SetupPlan, identity: { account: string; arn: string }): SetupPlanDocument {
  return {
    schemaVersion: 1,
    kind: 'plan',
    identity,
    bucket: plan.bucket,
    bucketArn: plan.bucketArn,
    region: plan.region,
    bucketExists: plan.bucketExists,
    satisfied: plan.satisfied,
    warnings: plan.warnings,
    steps: plan.steps.map((s) => {
      const base = { id: s.id, title: s.title, change: s.change, detail: s.detail, notes: s.notes };
      if (!isPolicyStep(s) && !isKeyPolicyStep(s)) return base;
      return {
        ...base,
        diff: s.diff.map((d) => ({ ...d, sid: d.sid ?? null })),
        policy: s.policy as unknown as Record<string, unknown>,
        ...(isKeyPolicyStep(s) ? { keyArn: s.keyArn } : {}),
      };
    }),
    ...(plan.findings.length > 0 ? { findings: checkEntries(plan.findings) } : {}),
    ...(plan.manual.length > 0 ? { manual: plan.manual } : {}),
  };
}

export function handOffMessage(region: string): string {
  return region === DEFAULT_REGION
    ? 'Send Prophecy the bucket ARN and region so they can enable the sync for your account.'
    : `Send Prophecy the bucket ARN and region. ${region} is not ${DEFAULT_REGION}: ${NON_DEFAULT_REGION_NOTE}`;
}

/** What to send Prophecy, on stdout, easy to copy; the KMS key when the bucket uses a customer managed key. */
export function renderHandOff(bucketArn: string, region: string, kmsKeyArn?: string): string {
  const lines = [
    '',
    'Send this to Prophecy:',
    '',
    `  Bucket ARN: ${bucketArn}`,
    `  Region:     ${region}`,
    ...(kmsKeyArn ? [`  KMS key:    ${kmsKeyArn}  (their role's policy must name it)`] : []),
    '',
  ];
  if (region !== DEFAULT_REGION) {
    lines.push(`Note: ${region} is not ${DEFAULT_REGION}. ${NON_DEFAULT_REGION_NOTE}`, '');
  }
  return `${lines.join('\n')}`;
}
