/** The SES client, built once per container on first use (see clients.ts). */
import { SESClient } from '@aws-sdk/client-ses';

let sesClient: SESClient | undefined;

export function ses(): SESClient {
  sesClient ??= new SESClient({});
  return sesClient;
}
