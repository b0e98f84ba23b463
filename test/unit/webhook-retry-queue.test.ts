/**
 * The webhook retry queue's SendMessage (lib/aws/webhook-retry-queue.ts):
 * its SigV4 signature is the one the AWS SDK's own signer computes for the
 * same request, and the message carries the retry's DelaySeconds.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { regionOf, signedSendMessage, sqsRetryQueue } from '../../lib/aws/webhook-retry-queue.ts';

const bytes = (data: SourceData) =>
  typeof data === 'string'
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** node:crypto as the SDK signer's hash (hmac when given a secret). */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Uint8Array) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/roster-webhook-retries';
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'token-1',
};
const message = { tenantId: 't1', webhookId: 'w1', deliveryId: 'd1', attempt: 2 };

describe('webhook retry queue: SQS SendMessage', () => {
  it('signs exactly as the AWS SDK signer does, with the retry’s DelaySeconds in the body', async () => {
    const now = new Date('2026-12-07T04:50:01.123Z');
    const request = signedSendMessage(queueUrl, message, 5, credentials, now);
    expect(request.url).toBe('https://sqs.eu-west-1.amazonaws.com/');
    expect(JSON.parse(request.body)).toEqual({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      DelaySeconds: 5,
    });
    expect(request.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');

    // x-amz-content-sha256 is S3's; other services sign the payload's hash without the header.
    const signer = new SignatureV4({
      applyChecksum: false,
      credentials,
      region: 'eu-west-1',
      service: 'sqs',
      sha256: Sha256,
    });
    const { authorization: _mine, 'x-amz-security-token': _token, 'x-amz-date': _date, ...unsigned } = request.headers;
    const theirs = await signer.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'sqs.eu-west-1.amazonaws.com',
        path: '/',
        headers: { ...unsigned, host: 'sqs.eu-west-1.amazonaws.com' },
        body: request.body,
        query: {},
      },
      { signingDate: now },
    );
    expect(request.headers.authorization).toBe(theirs.headers.authorization);
    expect(request.headers['x-amz-security-token']).toBe('token-1');
  });

  it('knows the region from the queue URL and refuses a URL that is not SQS’s', () => {
    expect(regionOf(queueUrl)).toBe('eu-west-1');
    expect(() => regionOf('https://example.com/q')).toThrow(/Not an SQS queue URL/);
  });

  it('without a queue URL (locally, or a function not granted the queue) there is no queue: retries wait for the sweep', () => {
    expect(sqsRetryQueue('')).toBeUndefined();
    expect(sqsRetryQueue(queueUrl)).toBeTypeOf('function');
  });
});
