/** The Cognito client, built once per container on first use (see clients.ts). */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

let cognitoClient: CognitoIdentityProviderClient | undefined;

export function cognito(): CognitoIdentityProviderClient {
  cognitoClient ??= new CognitoIdentityProviderClient({});
  return cognitoClient;
}
