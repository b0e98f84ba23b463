/**
 * The demo tenant, made the way an operator and its owner would: the platform
 * route creates it and invites the owner, the invitation email is read from
 * SES local, and the owner accepts it with a name and password. Then, as its
 * IT admin would, single sign-on: the owner adds the demo domain, publishes
 * its TXT record (on the local DNS server), verifies it, connects the demo
 * OIDC IdP (infra/local/idp/oidc.ts) for it and turns JIT provisioning on —
 * so anyone@<demo domain> can click Continue with SSO. A second domain is
 * connected the same way to the demo SAML IdP (infra/local/idp/saml.ts), by
 * the metadata XML an IT admin would paste.
 */
export const DEMO = {
  tenant: { name: 'Demo Co', plan: 'growth' },
  email: 'owner@demo.local',
  name: 'Demo Owner',
  password: 'DemoPassw0rd!23',
  /**
   * The verified domain the demo IdP signs people in for: under example.org
   * (IANA-reserved, so no one's real addresses; example.com itself is on the
   * free-mail list, which refuses it).
   */
  ssoDomain: 'demo.example.org',
  ssoConnectionName: 'Demo IdP',
  /** The verified domain the demo SAML IdP signs people in for. */
  samlDomain: 'saml.demo.example.org',
  samlConnectionName: 'Demo SAML IdP',
} as const;

const MAIL_WAIT_MS = 10_000;

export async function seedDemo(
  apiUrl: string,
  sesStoreUrl: string,
  platformKey: string,
): Promise<{ tenantId: string }> {
  const created = await call(apiUrl, 'POST', '/v1/platform/tenants', {
    headers: { 'x-platform-key': platformKey },
    body: { ...DEMO.tenant, owner: { email: DEMO.email, name: DEMO.name } },
  });
  const tenantId = created.id ?? (created.tenant as { id?: string } | undefined)?.id;
  if (typeof tenantId !== 'string') throw new Error('POST /v1/platform/tenants answered without a tenant id');

  const token = await invitationToken(sesStoreUrl, DEMO.email);
  await call(apiUrl, 'POST', '/v1/invitations/accept', {
    body: { token, name: DEMO.name, password: DEMO.password },
  });
  return { tenantId };
}

export interface DemoSso {
  domain: string;
  connectionId: string;
  startUrl: string;
}

/** The demo tenant's SSO, through the real routes: domain verified by its TXT record, a connection to `idp`, JIT on. */
export async function seedDemoSso(
  apiUrl: string,
  tenantId: string,
  idp: { issuer: string; clientId: string; clientSecret: string },
): Promise<DemoSso> {
  const auth = await ownerAuth(apiUrl);
  await verifyDemoDomain(apiUrl, tenantId, auth, DEMO.ssoDomain);
  const connection = await call(apiUrl, 'POST', `/v1/tenants/${tenantId}/sso-connections`, {
    headers: auth,
    body: {
      type: 'oidc',
      name: DEMO.ssoConnectionName,
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      domains: [DEMO.ssoDomain],
    },
  });
  await call(apiUrl, 'PATCH', `/v1/tenants/${tenantId}`, { headers: auth, body: { sso: { jitProvisioning: true } } });
  const provider = connection.serviceProvider as { startUrl: string };
  return { domain: DEMO.ssoDomain, connectionId: connection.id as string, startUrl: provider.startUrl };
}

/** The demo SAML IdP's connection: its own verified domain, created from the IdP's metadata XML. */
export async function seedDemoSaml(apiUrl: string, tenantId: string, metadataXml: string): Promise<DemoSso> {
  const auth = await ownerAuth(apiUrl);
  await verifyDemoDomain(apiUrl, tenantId, auth, DEMO.samlDomain);
  const connection = await call(apiUrl, 'POST', `/v1/tenants/${tenantId}/sso-connections`, {
    headers: auth,
    body: { type: 'saml', name: DEMO.samlConnectionName, metadataXml, domains: [DEMO.samlDomain] },
  });
  await call(apiUrl, 'PATCH', `/v1/tenants/${tenantId}`, { headers: auth, body: { sso: { jitProvisioning: true } } });
  const provider = connection.serviceProvider as { startUrl: string };
  return { domain: DEMO.samlDomain, connectionId: connection.id as string, startUrl: provider.startUrl };
}

async function ownerAuth(apiUrl: string): Promise<Record<string, string>> {
  const login = await call(apiUrl, 'POST', '/v1/auth/login', { body: { email: DEMO.email, password: DEMO.password } });
  if (typeof login.accessToken !== 'string') throw new Error('POST /v1/auth/login answered without an access token');
  return { authorization: `Bearer ${login.accessToken}` };
}

/** Adds `domain`, publishes its TXT record on the local DNS server and verifies it, as the IT admin would. */
async function verifyDemoDomain(apiUrl: string, tenantId: string, auth: Record<string, string>, domain: string) {
  const domains = `/v1/tenants/${tenantId}/domains`;
  const added = await call(apiUrl, 'POST', domains, { headers: auth, body: { domain } });
  const record = added.verification as { name: string; value: string };
  await call(apiUrl, 'POST', '/local/dns', { body: { name: record.name, type: 'TXT', value: record.value } });
  const verified = await call(apiUrl, 'POST', `${domains}/${domain}/verify`, { headers: auth });
  if (verified.status !== 'verified') throw new Error(`${domain} did not verify: ${JSON.stringify(verified)}`);
}

async function call(
  apiUrl: string,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: unknown },
): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The token from the newest `…/accept-invitation?token=…` link sent to `email`. */
async function invitationToken(sesStoreUrl: string, email: string): Promise<string> {
  const deadline = Date.now() + MAIL_WAIT_MS;
  while (Date.now() < deadline) {
    const store = (await (await fetch(sesStoreUrl)).json()) as {
      emails: { destination: { to: string[] }; body: { text?: string; html?: string } }[];
    };
    const mail = store.emails.filter((e) => e.destination.to.some((to) => to.includes(email))).at(-1);
    const match = /accept-invitation\?token=([^\s"'<>&]+)/.exec(`${mail?.body.text ?? ''} ${mail?.body.html ?? ''}`);
    if (match?.[1]) return decodeURIComponent(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `no invitation email with an accept-invitation link reached ${email} within ${MAIL_WAIT_MS / 1000} s`,
  );
}
