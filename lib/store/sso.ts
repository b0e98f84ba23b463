/**
 * SSO items (docs/architecture.md, "Single sign-on"): connections (global by
 * id, listed per tenant through GSI1), started sign-ins (by the hash of their
 * state, single use, TTL), the one-time proofs the custom-auth trigger
 * consumes, SSO identities keyed by (connection, subject), and the SAML
 * assertion-id replay cache. Secrets are stored only as hashes, except the
 * OIDC client secret, which is never returned by any route.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/clients.ts';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';
import { keys } from './keys.ts';
import { INDEXES, TTL_ATTRIBUTE } from './table.ts';
import { put, remove, type TxItem, update } from './transact.ts';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const epoch = (ms: number) => Math.ceil(ms / 1000);
const table = () => config().tableName;
const conditionFailed = (error: unknown) => (error as { name?: string }).name === 'ConditionalCheckFailedException';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The issuer's discovery document as read at save (endpoints, jwks_uri). */
  metadata: Record<string, unknown>;
}
export interface SamlSettings {
  entityId: string;
  ssoUrl: string;
  certs: string[];
}
export interface SsoConnection {
  id: string;
  tenantId: string;
  type: 'oidc' | 'saml';
  name: string;
  domains: string[];
  oidc?: OidcSettings;
  saml?: SamlSettings;
  createdAt: string;
  updatedAt: string;
  version: number;
}

function fromItem(item: Record<string, unknown>): SsoConnection {
  return {
    id: String(item.id),
    tenantId: String(item.tenantId),
    type: item.type === 'saml' ? 'saml' : 'oidc',
    name: String(item.name),
    domains: Array.isArray(item.domains) ? item.domains.map(String) : [],
    ...(item.oidc ? { oidc: item.oidc as OidcSettings } : {}),
    ...(item.saml ? { saml: item.saml as SamlSettings } : {}),
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    version: Number(item.version ?? 1),
  };
}

export async function getSsoConnection(id: string): Promise<SsoConnection | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: keys.ssoConnection(id), ConsistentRead: true }),
  );
  return Item && Item.entity === 'ssoConnection' ? fromItem(Item) : undefined;
}

export async function listSsoConnections(tenantId: string): Promise<SsoConnection[]> {
  const { Items } = await dynamo().send(
    new QueryCommand({
      TableName: table(),
      IndexName: INDEXES.gsi1.name,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.ssoConnectionPartition(tenantId) },
    }),
  );
  return (Items ?? []).filter((i) => i.entity === 'ssoConnection').map(fromItem);
}

const changed = () => new DomainError('precondition-failed', 'The connection changed meanwhile; read it again.');

export function ssoConnectionPut(connection: SsoConnection, expectVersion?: number): TxItem {
  return put(
    {
      Item: {
        ...keys.ssoConnection(connection.id),
        ...keys.ssoConnectionList(connection.tenantId, connection.id),
        entity: 'ssoConnection',
        ...connection,
      },
      ...(expectVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'attribute_exists(pk) AND version = :v',
            ExpressionAttributeValues: { ':v': expectVersion },
          }),
    },
    changed,
  );
}

export function ssoConnectionDelete(connection: SsoConnection): TxItem {
  return remove(
    {
      Key: keys.ssoConnection(connection.id),
      ConditionExpression: 'version = :v',
      ExpressionAttributeValues: { ':v': connection.version },
    },
    changed,
  );
}

/** A started sign-in: what the callback needs to check the answer. */
export interface SsoStart {
  connectionId: string;
  /** OIDC: nonce and PKCE verifier. SAML: the AuthnRequest id. */
  nonce?: string;
  codeVerifier?: string;
  requestId?: string;
  /** The hash of the starting browser's sign-in cookie (login CSRF; OIDC and SAML). */
  browser?: string;
  expiresAt: number;
}

export async function putSsoState(state: string, start: SsoStart): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.ssoState(sha256(state)), entity: 'ssoState', ...start, [TTL_ATTRIBUTE]: epoch(start.expiresAt) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** The started sign-in of `state`, deleted as it is read (single use); undefined when unknown, used or expired. */
export async function takeSsoState(state: string, now: Date): Promise<SsoStart | undefined> {
  try {
    const { Attributes } = await dynamo().send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.ssoState(sha256(state)),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!Attributes || Number(Attributes.expiresAt) <= now.getTime()) return undefined;
    return {
      connectionId: String(Attributes.connectionId),
      ...(typeof Attributes.nonce === 'string' ? { nonce: Attributes.nonce } : {}),
      ...(typeof Attributes.codeVerifier === 'string' ? { codeVerifier: Attributes.codeVerifier } : {}),
      ...(typeof Attributes.requestId === 'string' ? { requestId: Attributes.requestId } : {}),
      ...(typeof Attributes.browser === 'string' ? { browser: Attributes.browser } : {}),
      expiresAt: Number(Attributes.expiresAt),
    };
  } catch (error) {
    if (conditionFailed(error)) return undefined;
    throw error;
  }
}

/** The SSO callback's proof for the custom-auth challenge: stored by hash, for one login, briefly. */
export async function putSsoProof(proof: string, identityId: string, expiresAt: number): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.ssoProof(sha256(proof)),
        entity: 'ssoProof',
        identityId,
        expiresAt,
        [TTL_ATTRIBUTE]: epoch(expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** True when `proof` was stored for `identityId`, is unexpired, and this call consumed it. */
export async function consumeSsoProof(proof: string, identityId: string, now: Date): Promise<boolean> {
  if (proof.length < 32 || proof.length > 256) return false;
  try {
    await dynamo().send(
      new DeleteCommand({
        TableName: table(),
        Key: keys.ssoProof(sha256(proof)),
        ConditionExpression: 'identityId = :id AND expiresAt > :now',
        ExpressionAttributeValues: { ':id': identityId, ':now': now.getTime() },
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** The login an SSO identity (connection, subject) signs in as, if it has been provisioned. */
export async function getSsoSubject(connectionId: string, subject: string): Promise<string | undefined> {
  const { Item } = await dynamo().send(
    new GetCommand({ TableName: table(), Key: keys.ssoSubject(connectionId, sha256(subject)), ConsistentRead: true }),
  );
  return typeof Item?.identityId === 'string' ? Item.identityId : undefined;
}

export function ssoSubjectPut(connectionId: string, subject: string, identityId: string, at: string): TxItem {
  return put(
    {
      Item: {
        ...keys.ssoSubject(connectionId, sha256(subject)),
        entity: 'ssoSubject',
        connectionId,
        identityId,
        createdAt: at,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
    () => new DomainError('conflict', 'This SSO identity was provisioned meanwhile; sign in again.'),
  );
}

/** Records a SAML assertion id as used; false when it was already (a replay). */
export async function firstUseOfAssertion(connectionId: string, assertionId: string, until: number): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: table(),
        Item: {
          ...keys.samlAssertion(connectionId, sha256(assertionId)),
          entity: 'samlAssertion',
          [TTL_ATTRIBUTE]: epoch(until),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

export { update };
