/** IAM principal ARNs as Prophecy hands them over: one rule for the flags, the setup answers and the checks. */

/** An IAM role or user ARN (`arn:aws:iam::<12 digits>:role/<name>` or `:user/<name>`, any partition). */
export const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

export function isPrincipalArn(value: string): boolean {
  return PRINCIPAL_ARN.test(value);
}

/**
 * `arn:aws:iam::123456789012:role/Name` → `role/Name`: the part after the account, short enough for a
 * table row (the account is left out). Anything that is not an IAM ARN is returned unchanged.
 */
export function shortPrincipal(arn: string): string {
  const m = /^arn:aws[a-z-]*:iam::\d{12}:(.+)$/.exec(arn);
  return m ? `${m[1]}` : arn;
}
