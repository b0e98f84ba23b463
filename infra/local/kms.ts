/**
 * A stand-in for the two KMS calls a Cognito custom email sender involves:
 * cognito-local wraps the code with the AWS Encryption SDK (GenerateDataKey,
 * Encrypt) and the trigger unwraps it (Decrypt), exactly as in AWS. Served by
 * the local Lambda service (KMS's JSON protocol, `X-Amz-Target:
 * TrentService.*`). The "ciphertext" here only tags the data key with its key
 * id — it is not secret; locally nothing is (cognito-local keeps the codes in
 * its own files).
 */
import { randomBytes } from 'node:crypto';

/** The local key: the ARN is what the trigger's keyring trusts, the alias what cognito-local generates with. */
export const LOCAL_SENDER_KEY = {
  arn: 'arn:aws:kms:us-east-1:000000000000:key/6f1c2a3e-0b7d-4c55-9a3e-7d1f0c2b4e61',
  alias: 'alias/roster-local-sender',
} as const;

const MAGIC = Buffer.from('roster-local-kms:');

export const isKmsRequest = (target: string | undefined): boolean => target?.startsWith('TrentService.') ?? false;

function wrap(plaintext: Buffer): string {
  const keyId = Buffer.from(LOCAL_SENDER_KEY.arn);
  return Buffer.concat([MAGIC, Buffer.from([keyId.length]), keyId, plaintext]).toString('base64');
}

function unwrap(blob: string): { keyId: string; plaintext: Buffer } | undefined {
  const bytes = Buffer.from(blob, 'base64');
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const length = bytes[MAGIC.length] ?? 0;
  const start = MAGIC.length + 1;
  return { keyId: bytes.subarray(start, start + length).toString(), plaintext: bytes.subarray(start + length) };
}

const known = (keyId: unknown) => keyId === LOCAL_SENDER_KEY.arn || keyId === LOCAL_SENDER_KEY.alias;

/** KMS's answer to one call: status and JSON body (errors as KMS names them). */
export function kmsReply(target: string, body: Record<string, unknown>): { status: number; body: unknown } {
  const operation = target.slice('TrentService.'.length);
  const fail = (type: string, message: string) => ({ status: 400, body: { __type: type, message } });
  if (operation === 'GenerateDataKey') {
    if (!known(body.KeyId)) return fail('NotFoundException', `Key ${String(body.KeyId)} does not exist`);
    const size = typeof body.NumberOfBytes === 'number' ? body.NumberOfBytes : body.KeySpec === 'AES_128' ? 16 : 32;
    const plaintext = randomBytes(size);
    return {
      status: 200,
      body: { KeyId: LOCAL_SENDER_KEY.arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: wrap(plaintext) },
    };
  }
  if (operation === 'Encrypt') {
    if (!known(body.KeyId)) return fail('NotFoundException', `Key ${String(body.KeyId)} does not exist`);
    const plaintext = Buffer.from(String(body.Plaintext ?? ''), 'base64');
    return { status: 200, body: { KeyId: LOCAL_SENDER_KEY.arn, CiphertextBlob: wrap(plaintext) } };
  }
  if (operation === 'Decrypt') {
    const opened = unwrap(String(body.CiphertextBlob ?? ''));
    if (!opened) return fail('InvalidCiphertextException', 'The ciphertext was not made by this key service');
    return {
      status: 200,
      body: {
        KeyId: opened.keyId,
        Plaintext: opened.plaintext.toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
    };
  }
  return fail('UnsupportedOperationException', `${operation} is not served by the local key service`);
}
