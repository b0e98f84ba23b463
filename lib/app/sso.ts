/**
 * Single sign-on per tenant (docs/architecture.md, "Single sign-on"; DESIGN
 * §2a rules 3, 11, 13, 14). Roster is the relying party itself — the OIDC
 * code flow with PKCE, state and nonce through openid-client — and ends the
 * sign-in with Cognito's custom authentication challenge, so an SSO session
 * is the pool's own tokens, under the same revocation rules as a password
 * session, in AWS and locally alike.
 */
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { ulid } from 'ulid';
import { ensureLogin, findLogin, type SignIn, signInWithProof } from '../aws/identity.ts';
import { idpFetch } from '../aws/idp-fetch.ts';
import { config } from '../config.ts';
import { DomainError, forbidden, notFound } from '../domain/errors.ts';
import type { IdentityState } from '../domain/identity.ts';
import { type MemberRecord, ssoSettingsOf, type TenantRecord } from '../domain/records.ts';
import { refusedUrl } from '../domain/webhooks.ts';
import type { Actor } from '../store/audit.ts';
import { auditPut } from '../store/audit.ts';
import { verifiedDomainTenant } from '../store/domains.ts';
import { getIdentity } from '../store/identities.ts';
import { getMember, insertMember } from '../store/members.ts';
import {
  getSsoConnection,
  getSsoSubject,
  listSsoConnections,
  putSsoProof,
  putSsoState,
  type SsoConnection,
  sha256,
  ssoConnectionDelete,
  ssoConnectionPut,
  ssoSubjectPut,
  takeSsoState,
} from '../store/sso.ts';
import { loginBindingPut } from '../store/sso-link.ts';
import { getTenant } from '../store/tenants.ts';
import { transact } from '../store/transact.ts';
import { freshTokens } from './credentials.ts';
import { linkExistingLogin, tagged } from './sso-link.ts';
import type { TenantAccess } from './tenant-access.ts';

/** A started sign-in must come back within this (the IdP's login page included). */
const START_TTL_MS = 10 * 60_000;
/** The proof lives just long enough for the callback's own two Cognito calls. */
const PROOF_TTL_MS = 60_000;

export const callbackPath = '/v1/auth/sso/callback';
export const callbackUrl = () => `${config().appUrl}${callbackPath}`;
export const spEntityId = () => `${config().appUrl}/sso`;
export const startUrlOf = (connectionId: string) => `${config().appUrl}/v1/auth/sso/${connectionId}/start`;

const domainOf = (email: string) => email.trim().toLowerCase().split('@').at(-1) ?? '';

/** What the console and the IdP's admin see: never the client secret. */
export function connectionView(c: SsoConnection) {
  return {
    id: c.id,
    type: c.type,
    name: c.name,
    domains: c.domains,
    ...(c.oidc ? { issuer: c.oidc.issuer, clientId: c.oidc.clientId } : {}),
    ...(c.saml ? { idpEntityId: c.saml.entityId, idpSsoUrl: c.saml.ssoUrl } : {}),
    serviceProvider: {
      startUrl: startUrlOf(c.id),
      ...(c.type === 'oidc' ? { redirectUri: callbackUrl() } : { acsUrl: callbackUrl(), entityId: spEntityId() }),
    },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function assertAdmin(access: TenantAccess): void {
  if (access.member.role !== 'admin') throw forbidden('Only admins manage SSO connections.');
}

const actor = (access: TenantAccess): Actor => ({ type: 'user', id: access.member.id });

/** Each domain must be verified by this tenant (409 domain-unverified otherwise). */
async function assertDomainsVerified(tenantId: string, domains: readonly string[], now: Date): Promise<string[]> {
  const normalised = [...new Set(domains.map((d) => d.trim().toLowerCase()))];
  const holders = await Promise.all(normalised.map((d) => verifiedDomainTenant(d, now)));
  const unverified = normalised.filter((_, i) => holders[i] !== tenantId);
  if (unverified.length > 0) {
    throw new DomainError('domain-unverified', `Verify these domains first: ${unverified.join(', ')}.`);
  }
  return normalised;
}

/**
 * Where Roster's requests to an IdP may go (SSRF, docs/security.md): https to public
 * addresses only — the issuer and every endpoint its discovery document names, each
 * request checked as it is made — unless SSO_ALLOW_PRIVATE_ISSUERS (the local stack's
 * IdPs on loopback; the CDK stack never sets it). The webhook sender's checks, the
 * connection pinned to the addresses checked (lib/aws/idp-fetch.ts).
 */
const issuerPolicy = () => ({ allowPrivate: config().ssoAllowPrivateIssuers });
const plainHttpAllowed = (url: URL) => url.protocol === 'http:' && config().ssoAllowPrivateIssuers;

const guardedFetch: oidc.CustomFetch = (url, options) => idpFetch(url, options, issuerPolicy());

/** An IdP answers discovery and token requests within this many seconds, or the attempt fails (the library's default is 30). */
const OIDC_TIMEOUT_SECONDS = 5;

function oidcOptions(url: URL) {
  return {
    timeout: OIDC_TIMEOUT_SECONDS,
    [oidc.customFetch]: guardedFetch,
    ...(plainHttpAllowed(url) ? { execute: [oidc.allowInsecureRequests] } : {}),
  };
}

async function discoverIssuer(issuer: string, clientId: string, clientSecret: string) {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw issuerProblem('Not a URL');
  }
  const refused = refusedUrl(issuer, issuerPolicy());
  if (refused) throw issuerProblem(refused);
  try {
    const found = await oidc.discovery(url, clientId, clientSecret, undefined, oidcOptions(url));
    return { ...found.serverMetadata() } as Record<string, unknown>;
  } catch (error) {
    throw issuerProblem(`Discovery failed: ${reasonOf(error)}`.slice(0, 300));
  }
}

/** An error's message with its cause's (fetch wraps the refusal of a private address in `cause`). */
const reasonOf = (error: unknown) => {
  const { message, cause } = error as Error;
  return cause instanceof Error ? `${message}: ${cause.message}` : message;
};

const issuerProblem = (message: string) =>
  new DomainError('validation-failed', 'The issuer’s OpenID configuration could not be read.', {
    errors: [{ path: 'body.issuer', message }],
  });

export type ConnectionInput =
  | { type: 'oidc'; name: string; issuer: string; clientId: string; clientSecret: string; domains: string[] }
  | { type: 'saml'; name: string; metadataXml: string; domains: string[] };

export async function createConnection(access: TenantAccess, input: ConnectionInput, now: Date) {
  assertAdmin(access);
  const domains = await assertDomainsVerified(access.tenant.id, input.domains, now);
  const at = now.toISOString();
  const base = { id: ulid(), tenantId: access.tenant.id, name: input.name, domains, createdAt: at, updatedAt: at };
  let connection: SsoConnection;
  if (input.type === 'oidc') {
    const metadata = await discoverIssuer(input.issuer, input.clientId, input.clientSecret);
    connection = {
      ...base,
      type: 'oidc',
      oidc: { issuer: input.issuer, clientId: input.clientId, clientSecret: input.clientSecret, metadata },
      version: 1,
    };
  } else {
    const { parseIdpMetadata } = await import('./saml.ts');
    connection = { ...base, type: 'saml', saml: parseIdpMetadata(input.metadataXml), version: 1 };
  }
  await transact([
    ssoConnectionPut(connection),
    auditPut({
      tenantId: access.tenant.id,
      actor: actor(access),
      action: 'sso.connection_created',
      target: { type: 'ssoConnection', id: connection.id },
      after: { type: connection.type, name: connection.name, domains: connection.domains },
      at,
    }),
  ]);
  return connectionView(connection);
}

async function tenantConnection(access: TenantAccess, id: string): Promise<SsoConnection> {
  const connection = await getSsoConnection(id);
  if (!connection || connection.tenantId !== access.tenant.id) throw notFound('The SSO connection');
  return connection;
}

export async function listConnections(access: TenantAccess) {
  assertAdmin(access);
  return (await listSsoConnections(access.tenant.id)).map(connectionView);
}

export async function getConnection(access: TenantAccess, id: string) {
  assertAdmin(access);
  return connectionView(await tenantConnection(access, id));
}

export interface ConnectionPatch {
  name?: string;
  domains?: string[];
  clientSecret?: string;
  metadataXml?: string;
}

export async function updateConnection(access: TenantAccess, id: string, patch: ConnectionPatch, now: Date) {
  assertAdmin(access);
  const current = await tenantConnection(access, id);
  const domains = patch.domains ? await assertDomainsVerified(access.tenant.id, patch.domains, now) : current.domains;
  const next: SsoConnection = {
    ...current,
    name: patch.name ?? current.name,
    domains,
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  if (patch.clientSecret !== undefined && next.oidc) next.oidc = { ...next.oidc, clientSecret: patch.clientSecret };
  if (patch.metadataXml !== undefined && next.type === 'saml') {
    const { parseIdpMetadata } = await import('./saml.ts');
    next.saml = parseIdpMetadata(patch.metadataXml);
  }
  await transact([
    ssoConnectionPut(next, current.version),
    auditPut({
      tenantId: access.tenant.id,
      actor: actor(access),
      action: 'sso.connection_updated',
      target: { type: 'ssoConnection', id },
      before: { name: current.name, domains: current.domains },
      after: {
        name: next.name,
        domains: next.domains,
        ...(patch.clientSecret !== undefined ? { clientSecret: '(changed)' } : {}),
      },
      at: next.updatedAt,
    }),
  ]);
  return connectionView(next);
}

export async function deleteConnection(access: TenantAccess, id: string, now: Date): Promise<void> {
  assertAdmin(access);
  const current = await tenantConnection(access, id);
  await transact([
    ssoConnectionDelete(current),
    auditPut({
      tenantId: access.tenant.id,
      actor: actor(access),
      action: 'sso.connection_deleted',
      target: { type: 'ssoConnection', id },
      before: { type: current.type, name: current.name, domains: current.domains },
      at: now.toISOString(),
    }),
  ]);
}

/** The connections serving an email's domain: only those of the tenant that verified it. */
export async function connectionsForEmail(email: string, now: Date) {
  const domain = domainOf(email);
  const tenantId = domain ? await verifiedDomainTenant(domain, now) : undefined;
  if (!tenantId) return { tenantId: undefined, connections: [] as SsoConnection[] };
  const connections = (await listSsoConnections(tenantId)).filter((c) => c.domains.includes(domain));
  return { tenantId, connections };
}

/** Home-realm discovery: nothing about any tenant beyond the verified domain's own connections. */
export async function discover(email: string, now: Date) {
  const { tenantId, connections } = await connectionsForEmail(email, now);
  const tenant = tenantId && connections.length > 0 ? await getTenant(tenantId) : undefined;
  return {
    sso: connections.map((c) => ({ connectionId: c.id, name: c.name, startUrl: startUrlOf(c.id) })),
    passwordAllowed: !(tenant && ssoSettingsOf(tenant).required),
  };
}

const random = () => randomBytes(32).toString('base64url');

function oidcConfiguration(connection: SsoConnection): oidc.Configuration {
  const settings = connection.oidc;
  if (!settings) throw new Error('not an OIDC connection');
  const cfg = new oidc.Configuration(
    settings.metadata as unknown as oidc.ServerMetadata,
    settings.clientId,
    settings.clientSecret,
  );
  cfg[oidc.customFetch] = guardedFetch;
  // The ID token's signature is checked against the IdP's published keys even though it came
  // straight from the token endpoint (OIDC Core 3.1.3.7 would allow TLS alone): a token endpoint
  // answering a token the IdP never signed is refused.
  oidc.enableNonRepudiationChecks(cfg);
  if (plainHttpAllowed(new URL(settings.issuer))) oidc.allowInsecureRequests(cfg);
  return cfg;
}

/**
 * Where the browser goes to sign in at the IdP (state, nonce and PKCE verifier kept server-side, single use).
 * `browser`: the random value the start's cookies carry (functions/sso/start.ts); a sign-in (OIDC or
 * SAML) completes only in the browser holding it (login CSRF).
 */
export async function startSignIn(connectionId: string, now: Date, browser?: string): Promise<string> {
  const connection = await getSsoConnection(connectionId);
  if (!connection) throw notFound('The SSO connection');
  const state = random();
  const expiresAt = now.getTime() + START_TTL_MS;
  const binding = browser ? { browser: sha256(browser) } : {};
  if (connection.type === 'saml') {
    const { samlRedirect } = await import('./saml.ts');
    const { url, requestId } = await samlRedirect(connection, state);
    await putSsoState(state, { connectionId, requestId, expiresAt, ...binding });
    return url;
  }
  const nonce = random();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  await putSsoState(state, {
    connectionId,
    nonce,
    codeVerifier,
    expiresAt,
    ...binding,
  });
  const challenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
  try {
    const url = oidc.buildAuthorizationUrl(oidcConfiguration(connection), {
      redirect_uri: callbackUrl(),
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return url.href;
  } catch (error) {
    // E.g. a plain-http IdP saved under the local allowance, met under AWS's rules: a refusal, not a 500.
    throw ssoFailed(`This connection’s identity provider cannot be used: ${(error as Error).message}`.slice(0, 300));
  }
}

export const ssoFailed = (detail: string) => new DomainError('sso-failed', detail);

/** What an IdP asserted about the person, once verified. */
export interface Asserted {
  subject: string;
  email?: string;
  name?: string;
}

/** The OIDC callback: code exchanged with PKCE, ID token verified (issuer, audience, signature, nonce). */
export async function verifyOidc(
  connection: SsoConnection,
  currentUrl: URL,
  state: string,
  nonce?: string,
  verifier?: string,
) {
  if (!nonce || !verifier) throw ssoFailed('This sign-in was not started for OpenID Connect.');
  try {
    const result = await oidc.authorizationCodeGrant(oidcConfiguration(connection), currentUrl, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = result.claims();
    if (!claims?.sub) throw new Error('no subject');
    // An email the IdP itself says it has not verified is no email (it could provision no one).
    const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email : undefined;
    const name = typeof claims.name === 'string' ? claims.name : undefined;
    return { subject: claims.sub, ...(email ? { email } : {}), ...(name ? { name } : {}) } satisfies Asserted;
  } catch (error) {
    throw ssoFailed(`The identity provider’s answer was refused: ${reasonOf(error)}`.slice(0, 300));
  }
}

/** The callback's input: OIDC's query, or SAML's posted form. */
export interface CallbackInput {
  state?: string;
  code?: string;
  error?: string;
  samlResponse?: string;
  /** The URL the IdP sent the browser to (OIDC checks it carries the right parameters). */
  url: URL;
  /** The sign-in cookie this browser holds (set by the start), if any. */
  browser?: string;
}

/**
 * Verifies the IdP's answer and signs the person in: the identity keyed by
 * (connection, subject) — never an existing login by email (rule 13) — or a
 * just-in-time member in the connection tenant's verified domain.
 */
export async function completeSignIn(input: CallbackInput, now: Date, offerLink = false): Promise<SignIn> {
  if (!input.state) throw tagged(ssoFailed('The answer carries no state: start the sign-in again.'), 'expired');
  const started = await takeSsoState(input.state, now);
  if (!started) throw tagged(ssoFailed('This sign-in is unknown, used or expired: start it again.'), 'expired');
  // Login CSRF: an answer (OIDC's redirect, SAML's form post) is accepted only in the browser that started it.
  if (!started.browser || !input.browser || sha256(input.browser) !== started.browser) {
    throw tagged(ssoFailed('This sign-in was started in another browser: start it again here.'), 'expired');
  }
  const connection = await getSsoConnection(started.connectionId);
  if (!connection) throw tagged(ssoFailed('The SSO connection no longer exists.'), 'unavailable');
  if (input.error) {
    throw tagged(ssoFailed(`The identity provider refused the sign-in (${input.error.slice(0, 100)}).`), 'idp');
  }
  let asserted: Asserted;
  if (connection.type === 'oidc') {
    asserted = await verifyOidc(connection, input.url, input.state, started.nonce, started.codeVerifier);
  } else {
    const { verifySaml } = await import('./saml.ts');
    asserted = await verifySaml(connection, input.samlResponse, started.requestId, now);
  }
  const identityId = await resolveIdentity(connection, asserted, now, offerLink);
  return issueSession(identityId, now);
}

/** An SSO sign-in into `tenant` is allowed only for an active membership (rule 11: the tenant's own ending). */
function assertActive(member: MemberRecord | undefined, tenant: TenantRecord): void {
  if (!member || member.status !== 'active') {
    throw tagged(ssoFailed(`You have no active membership of ${tenant.name}; ask its admin.`), 'not-member');
  }
}

async function resolveIdentity(
  connection: SsoConnection,
  asserted: Asserted,
  now: Date,
  offerLink: boolean,
): Promise<string> {
  const tenant = await getTenant(connection.tenantId);
  if (!tenant || tenant.status !== 'active') {
    throw tagged(ssoFailed('This organisation is not available.'), 'unavailable');
  }
  const known = await getSsoSubject(connection.id, asserted.subject);
  if (known) {
    assertActive(await getMember(tenant.id, known), tenant);
    return known;
  }
  // A first sign-in: only an email in this connection's domains, verified by this very tenant (rule 13).
  const email = asserted.email?.trim().toLowerCase();
  const domain = email ? domainOf(email) : '';
  if (!email || !connection.domains.includes(domain) || (await verifiedDomainTenant(domain, now)) !== tenant.id) {
    throw tagged(
      ssoFailed('The identity provider asserted an email outside this organisation’s verified domains.'),
      'domain',
    );
  }
  const existing = await findLogin(email);
  // Never linked by email alone (rules 3 and 13): a login the tenant manages, or the login's password (./sso-link.ts).
  if (existing) return linkExistingLogin(tenant, connection, asserted, existing.id, now, offerLink);
  if (!ssoSettingsOf(tenant).jitProvisioning) {
    throw tagged(ssoFailed(`You are not a member of ${tenant.name}; ask its admin to invite you.`), 'not-member');
  }
  return provision(tenant, connection, asserted, email, now);
}

/** Just-in-time provisioning: a new login nobody knows a password of, an active agent, the SSO identity — one transaction. */
async function provision(
  tenant: TenantRecord,
  connection: SsoConnection,
  asserted: Asserted,
  email: string,
  now: Date,
): Promise<string> {
  if (tenant.seatLimit !== undefined && tenant.seatsUsed >= tenant.seatLimit) {
    throw new DomainError('seat-limit-reached', `${tenant.name} has no free seat; ask its admin.`, {
      seats: { used: tenant.seatsUsed, limit: tenant.seatLimit, available: 0 },
    });
  }
  const login = await ensureLogin(email);
  if (!login.created) throw ssoFailed('A Roster login with this email was created meanwhile; sign in with it.');
  const at = now.toISOString();
  const member: MemberRecord = {
    tenantId: tenant.id,
    id: login.id,
    email,
    name: (asserted.name ?? '').slice(0, 200),
    status: 'active',
    role: 'agent',
    grants: [],
    crmAccess: true,
    availability: 'online',
    openAssignments: 0,
    teamIds: [],
    lastLoginAt: null,
    invitedAt: null,
    invitedBy: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  await insertMember({
    member,
    actor: { type: 'system', id: `sso:${connection.id}` },
    action: 'member.provisioned',
    identity: { init: { email, managedBy: tenant.id, hasPassword: false, ssoOnly: true } },
    // The login's binding too: should it ever get a password (no longer `ssoOnly`), no second subject binds to it.
    extra: [
      ssoSubjectPut(connection.id, asserted.subject, login.id, at),
      loginBindingPut(connection.id, login.id, asserted.subject, at),
    ],
  });
  return login.id;
}

/** The pool's own tokens through the custom challenge, answered with a one-time proof stored for this login. */
export async function issueSession(identityId: string, now: Date): Promise<SignIn> {
  const identity: IdentityState | undefined = await getIdentity(identityId);
  const once = async () => {
    const proof = random();
    await putSsoProof(proof, identityId, Date.now() + PROOF_TTL_MS);
    return signInWithProof(identityId, proof);
  };
  void now;
  return freshTokens(identity, once, await once());
}
