import { bucketCheck } from './bucket.js';
import { encryptionCheck } from './encryption.js';
import { freshnessCheck } from './freshness.js';
import { leastPrivilegeCheck } from './least-privilege.js';
import { nameCheck } from './name.js';
import { ownershipCheck } from './ownership.js';
import { policyCheck } from './policy.js';
import { publicAccessCheck } from './public-access.js';
import { regionCheck } from './region.js';
import { requesterPaysCheck } from './requester-pays.js';
import { versioningCheck } from './versioning.js';

/**
 * verify's checks in the order they run and print. The ids are stable (scripts match on them, the JSON
 * schema lists them); a new check is appended here, after the checks it relates to.
 */
export const CHECKS = [
  bucketCheck,
  nameCheck,
  regionCheck,
  ownershipCheck,
  policyCheck,
  leastPrivilegeCheck,
  publicAccessCheck,
  encryptionCheck,
  requesterPaysCheck,
  versioningCheck,
  freshnessCheck,
] as const;
