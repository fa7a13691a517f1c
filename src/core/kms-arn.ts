/* A KMS key ARN on its own, so commands that only check one (policy print, export) load nothing else of KMS. */

export const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):key\/.+$/;

/** The region of a key ARN. */
export function keyRegion(arn: string): string | undefined {
  return KEY_ARN.exec(arn)?.[1];
}
