/**
 * The code Cognito hands a custom email sender arrives encrypted with the
 * pool's sender key (AWS Encryption SDK, KMS keyring); only that key opens it.
 */
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { config } from '../config.ts';

const { decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT);
let keyring: KmsKeyringNode | undefined;

export async function decryptCode(encrypted: string): Promise<string> {
  keyring ??= new KmsKeyringNode({ keyIds: [config().senderKeyArn] });
  const { plaintext } = await decrypt(keyring, Buffer.from(encrypted, 'base64'));
  return plaintext.toString('utf8');
}
