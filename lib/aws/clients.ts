/**
 * AWS clients, built once per container on first use. Endpoints come from the
 * SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code runs
 * against AWS and the local emulators. One module per client: lib-dynamodb
 * is not marked free of side effects, so a bundle that imports this module
 * carries the DynamoDB client even when it never builds it — the Cognito and
 * SES adapters import their own client module instead.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export { cognito } from './cognito-client.ts';
export { ses } from './ses-client.ts';

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
