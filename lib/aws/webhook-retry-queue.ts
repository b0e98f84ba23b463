/**
 * The webhook retry queue's AWS side (issue 21): `ScheduleRetry` as SQS
 * SendMessage with a per-message DelaySeconds, to the queue named by
 * WEBHOOK_RETRY_QUEUE_URL (set by the CDK stack on the functions that make
 * attempts and were granted sqs:SendMessage on it; absent elsewhere, then
 * retries wait for the sweep).
 *
 * One small signed request (Signature Version 4, SQS's JSON protocol) with
 * the function's own credentials from its environment, instead of a whole
 * SQS client package for one call; test/unit/webhook-retry-queue.test.ts
 * checks the signature against the AWS SDK's own signer.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RetryMessage, ScheduleRetry } from '../app/webhook-delivery.ts';

export const RETRY_QUEUE_URL_VARIABLE = 'WEBHOOK_RETRY_QUEUE_URL';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The region of an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>). */
export function regionOf(queueUrl: string): string {
  const match = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(queueUrl).hostname);
  if (!match?.[1]) throw new Error(`Not an SQS queue URL: ${queueUrl}`);
  return match[1];
}

/** SendMessage of `message` with `delaySeconds`, signed (SigV4) for `credentials` at `now`. */
export function signedSendMessage(
  queueUrl: string,
  message: RetryMessage,
  delaySeconds: number,
  credentials: Credentials,
  now: Date,
): SignedRequest {
  const region = regionOf(queueUrl);
  const host = new URL(queueUrl).hostname;
  const body = JSON.stringify({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), DelaySeconds: delaySeconds });
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    host,
    'x-amz-date': amzDate,
    'x-amz-target': 'AmazonSQS.SendMessage',
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = ['POST', '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', signedHeaders, sha256(body)].join(
    '\n',
  );
  const scope = `${day}/${region}/sqs/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 'sqs'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  const { host: _host, ...sent } = headers;
  return {
    url: `https://${host}/`,
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
    body,
  };
}

/** The function's credentials (Lambda puts its role's in the environment). */
function environmentCredentials(): Credentials {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) throw new Error('No AWS credentials in the environment');
  return { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, sessionToken: AWS_SESSION_TOKEN };
}

/** The retry queue of this function, if the stack gave it one (WEBHOOK_RETRY_QUEUE_URL). */
export function sqsRetryQueue(queueUrl = process.env[RETRY_QUEUE_URL_VARIABLE]): ScheduleRetry | undefined {
  if (!queueUrl) return undefined;
  return async (message, delaySeconds) => {
    const request = signedSendMessage(queueUrl, message, delaySeconds, environmentCredentials(), new Date());
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok)
      throw new Error(`SQS SendMessage answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  };
}
