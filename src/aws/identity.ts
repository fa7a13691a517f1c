import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsCall } from './errors.js';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export async function getCallerIdentity(sts: STSClient, profile?: string): Promise<CallerIdentity> {
  const out = await awsCall({ operation: 'sts:GetCallerIdentity', ...(profile ? { profile } : {}) }, () =>
    sts.send(new GetCallerIdentityCommand({})),
  );
  return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
}
