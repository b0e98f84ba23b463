/** Test-only writes to webhook endpoints (state the API reaches only through time, e.g. a rotation's overlap). */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../../lib/aws/clients.ts';
import { config } from '../../../lib/config.ts';
import type { EndpointSecret } from '../../../lib/domain/webhooks.ts';
import { type WebhookRecord, webhookKey } from '../../../lib/store/webhooks.ts';

export async function setWebhookSecrets(w: WebhookRecord, secrets: EndpointSecret[]): Promise<void> {
  await dynamo().send(
    new UpdateCommand({
      TableName: config().tableName,
      Key: webhookKey(w.tenantId, w.id),
      UpdateExpression: 'SET secrets = :s',
      ExpressionAttributeValues: { ':s': secrets },
    }),
  );
}
