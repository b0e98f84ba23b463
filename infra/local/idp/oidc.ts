/**
 * A real OpenID Connect provider (`oidc-provider`) on loopback: the demo IdP
 * `npm start` offers and the one the SSO tests sign in at. Its login page is
 * oidc-provider's own development page (any login, any password): the login
 * typed is the subject, and — when it is an address — the email. Consent is
 * pre-granted, as an enterprise IdP's admin-approved app is.
 */
import type { Server } from 'node:http';
import Provider from 'oidc-provider';

export interface OidcIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

export interface OidcIdpOptions {
  port: number;
  /** Roster's callback (the redirect URI registered for the client). */
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
  host?: string;
}

export async function startOidcIdp(options: OidcIdpOptions): Promise<OidcIdp> {
  const host = options.host ?? '127.0.0.1';
  const issuer = `http://${host}:${options.port}`;
  const clientId = options.clientId ?? 'roster-demo';
  const clientSecret = options.clientSecret ?? 'roster-demo-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    // Like Okta, Entra and Google: the person's claims are in the ID token itself.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['roster-local-idp-cookie-key'] },
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({
        sub: id,
        ...(id.includes('@') ? { email: id.toLowerCase(), email_verified: true } : {}),
        name: id.split('@')[0],
      }),
    }),
    // Consent is pre-granted: the IdP's admin assigned the app.
    loadExistingGrant: async (ctx: {
      oidc: { client?: { clientId: string }; session?: { accountId?: string }; provider: Provider };
    }) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  } as never);
  // Plain http on loopback: oidc-provider asks for https unless told the proxy is trusted.
  provider.proxy = true;
  const server: Server = await new Promise((resolve, reject) => {
    const s = provider.listen(options.port, host);
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
