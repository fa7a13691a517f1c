import { DEFAULT_REGION } from './vendor.js';

/**
 * The commercial AWS regions (partition `aws`) a bucket can be created in. GovCloud and China are
 * left out on purpose: they are separate partitions, and Prophecy's principals live in `aws`, so a
 * bucket policy there could never name them. us-east-1 comes first because Prophecy recommends it.
 */
export interface AwsRegion {
  code: string;
  name: string;
}

export const AWS_REGIONS: readonly AwsRegion[] = [
  { code: 'us-east-1', name: 'US East (N. Virginia)' },
  { code: 'us-east-2', name: 'US East (Ohio)' },
  { code: 'us-west-1', name: 'US West (N. California)' },
  { code: 'us-west-2', name: 'US West (Oregon)' },
  { code: 'af-south-1', name: 'Africa (Cape Town)' },
  { code: 'ap-east-1', name: 'Asia Pacific (Hong Kong)' },
  { code: 'ap-east-2', name: 'Asia Pacific (Taipei)' },
  { code: 'ap-south-1', name: 'Asia Pacific (Mumbai)' },
  { code: 'ap-south-2', name: 'Asia Pacific (Hyderabad)' },
  { code: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)' },
  { code: 'ap-northeast-2', name: 'Asia Pacific (Seoul)' },
  { code: 'ap-northeast-3', name: 'Asia Pacific (Osaka)' },
  { code: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
  { code: 'ap-southeast-2', name: 'Asia Pacific (Sydney)' },
  { code: 'ap-southeast-3', name: 'Asia Pacific (Jakarta)' },
  { code: 'ap-southeast-4', name: 'Asia Pacific (Melbourne)' },
  { code: 'ap-southeast-5', name: 'Asia Pacific (Malaysia)' },
  { code: 'ap-southeast-6', name: 'Asia Pacific (New Zealand)' },
  { code: 'ap-southeast-7', name: 'Asia Pacific (Thailand)' },
  { code: 'ca-central-1', name: 'Canada (Central)' },
  { code: 'ca-west-1', name: 'Canada West (Calgary)' },
  { code: 'eu-central-1', name: 'Europe (Frankfurt)' },
  { code: 'eu-central-2', name: 'Europe (Zurich)' },
  { code: 'eu-west-1', name: 'Europe (Ireland)' },
  { code: 'eu-west-2', name: 'Europe (London)' },
  { code: 'eu-west-3', name: 'Europe (Paris)' },
  { code: 'eu-south-1', name: 'Europe (Milan)' },
  { code: 'eu-south-2', name: 'Europe (Spain)' },
  { code: 'eu-north-1', name: 'Europe (Stockholm)' },
  { code: 'il-central-1', name: 'Israel (Tel Aviv)' },
  { code: 'me-south-1', name: 'Middle East (Bahrain)' },
  { code: 'me-central-1', name: 'Middle East (UAE)' },
  { code: 'mx-central-1', name: 'Mexico (Central)' },
  { code: 'sa-east-1', name: 'South America (São Paulo)' },
];

export const REGION_CODES: readonly string[] = AWS_REGIONS.map((r) => r.code);

export function isKnownRegion(code: string): boolean {
  return REGION_CODES.includes(code);
}

export function regionName(code: string): string | undefined {
  return AWS_REGIONS.find((r) => r.code === code)?.name;
}

/** Case-insensitive match on code or name, in list order (so us-east-1 stays first); empty term → all. */
export function searchRegions(term: string | undefined): AwsRegion[] {
  const t = (term ?? '').trim().toLowerCase();
  if (!t) return [...AWS_REGIONS];
  return AWS_REGIONS.filter((r) => r.code.includes(t) || r.name.toLowerCase().includes(t));
}

export function isDefaultRegion(code: string): boolean {
  return code === DEFAULT_REGION;
}
