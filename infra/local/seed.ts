/**
 * The demo tenant, made the way an operator and its owner would: the platform
 * route creates it and invites the owner, the invitation email is read from
 * SES local, and the owner accepts it with a name and password.
 */
export const DEMO = {
  tenant: { name: 'Demo Co', plan: 'growth' },
  email: 'owner@demo.local',
  name: 'Demo Owner',
  password: 'DemoPassw0rd!23',
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

async function call(
  apiUrl: string,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: unknown },
): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
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
