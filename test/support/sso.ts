/**
 * SSO test fixtures: a verified-domain claim written straight into the table
 * (the domains area owns verification; its item is the contract), and a
 * driver that signs in at the local OIDC IdP the way a browser does —
 * following redirects with a cookie jar and posting its login form.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../lib/store/keys.ts';
import { sha256 } from '../../lib/store/sso.ts';
import type { client } from '../e2e/client.ts';
import { localStack } from './local-stack.ts';

function table() {
  const { env } = localStack();
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    }),
  );
  return { doc, name: env.TABLE_NAME };
}

/** The e2e client's `call` (test/e2e/client.ts). */
type Call = ReturnType<typeof client>['call'];

/**
 * `domain` verified by the tenant through the domains area's own routes: added, its TXT
 * challenge published on the local DNS server, verified (the claim item is theirs to write).
 */
export async function verifyDomain(call: Call, tenantId: string, ownerToken: string, domain: string): Promise<void> {
  const path = `/v1/tenants/${tenantId}/domains`;
  const added = await call('POST', path, { token: ownerToken, body: { domain } });
  if (added.status !== 201) throw new Error(`add ${domain}: ${added.status} ${JSON.stringify(added.body)}`);
  const { name, value } = added.body.verification;
  const published = await call('POST', '/local/dns', { body: { name, type: 'TXT', value } });
  if (published.status !== 201) throw new Error(`publish ${name}: ${published.status}`);
  const done = await call('POST', `${path}/${domain}/verify`, { token: ownerToken });
  if (done.body?.status !== 'verified')
    throw new Error(`verify ${domain}: ${done.status} ${JSON.stringify(done.body)}`);
}

/** Writes the tenant's MFA policy straight into its item (no enrolled admin needed); undefined removes it. */
export async function setTenantMfa(tenantId: string, policy: Record<string, unknown> | undefined): Promise<void> {
  const { doc, name } = table();
  await doc.send(
    new UpdateCommand({
      TableName: name,
      Key: keys.tenant(tenantId),
      ...(policy
        ? { UpdateExpression: 'SET mfa = :m', ExpressionAttributeValues: { ':m': policy } }
        : { UpdateExpression: 'REMOVE mfa' }),
    }),
  );
  doc.destroy();
}

/** Writes an SSO proof for `identityId` straight into the table (what the callback writes before its Cognito calls). */
export async function plantProof(proof: string, identityId: string, expiresAt: number): Promise<void> {
  const { doc, name } = table();
  await doc.send(
    new PutCommand({
      TableName: name,
      Item: { ...keys.ssoProof(sha256(proof)), entity: 'ssoProof', identityId, expiresAt },
    }),
  );
  doc.destroy();
}

/** Overwrites one endpoint in a connection's stored discovery document (an IdP whose metadata changed). */
export async function setConnectionEndpoint(connectionId: string, name: string, url: string): Promise<void> {
  const { doc, name: tableName } = table();
  await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.ssoConnection(connectionId),
      UpdateExpression: 'SET oidc.metadata.#e = :u',
      ExpressionAttributeNames: { '#e': name },
      ExpressionAttributeValues: { ':u': url },
    }),
  );
  doc.destroy();
}

/** Overwrites the nonce a started sign-in expects (an ID token minted for another sign-in). */
export async function tamperNonce(state: string, nonce: string): Promise<void> {
  const { doc, name } = table();
  await doc.send(
    new UpdateCommand({
      TableName: name,
      Key: keys.ssoState(sha256(state)),
      UpdateExpression: 'SET nonce = :n',
      ExpressionAttributeValues: { ':n': nonce },
    }),
  );
  doc.destroy();
}

class Jar {
  private cookies = new Map<string, string>();
  take(res: Response) {
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The URL the IdP sent the browser back to, with the cookies Roster's start set in that browser. */
export type IdpAnswer = URL & { browser: string };

/** The `Cookie` header carrying what a response set (`name=value; …`). */
export const cookiesSetBy = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

/**
 * From Roster's start URL through the IdP's login page as `login`, up to the
 * URL the IdP sends the browser back to (Roster's callback, not yet called),
 * carrying the cookie the start bound the sign-in to (`browser`).
 */
export async function signInAtIdp(startUrl: string, login: string): Promise<IdpAnswer> {
  const start = await fetch(startUrl, { redirect: 'manual' });
  if (start.status !== 303) throw new Error(`start answered ${start.status}: ${await start.text()}`);
  const browser = cookiesSetBy(start);
  const jar = new Jar();
  let url = new URL(start.headers.get('location') as string);
  const idp = url.origin;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') as string, url);
      if (next.origin !== idp) return Object.assign(next, { browser });
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`no form at ${url.href}: ${res.status} ${html.slice(0, 300)}`);
    const form = new URLSearchParams({ prompt: 'login', login, password: 'any-password' });
    const posted = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    jar.take(posted);
    url = new URL(posted.headers.get('location') as string, url);
  }
  throw new Error('the IdP never sent the browser back');
}
