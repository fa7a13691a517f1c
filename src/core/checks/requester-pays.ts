import { judgeRequestPayment } from '../bucket-features.js';
import { asResult, unreadable } from './encryption.js';
import { defineCheck } from './types.js';

export const requesterPaysCheck = defineCheck({
  id: 'requester-pays',
  title: 'The bucket owner pays for requests (Requester Pays is off)',
  reads: ['requestPayment'],
  needsBucket: true,
  outcomes: {
    pass: 'BucketOwner pays (S3’s default)',
    warn: 'the setting could not be read (s3:GetBucketRequestPayment)',
    fail: "Requester Pays is on: DataSync sends no x-amz-request-payer header, so S3 refuses every request of Prophecy's",
  },
  judge({ reads: { requestPayment: r } }) {
    if (r.status === 'missing') return undefined;
    return asResult(
      'requester-pays',
      judgeRequestPayment(r.status === 'ok' ? r.value : (unreadable(r) ?? { unreadable: 'not read' })),
    );
  },
});
