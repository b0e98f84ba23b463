/**
 * A hostile OpenID provider for the SSO attack tests: a bare HTTP server on
 * loopback that publishes a discovery document and a JWKS (one RSA key), and
 * whose token endpoint answers whatever ID token the test mints — signed by
 * the published key, by a key it never published, with `alg: none`, with
 * HS256 keyed by the client secret, for another audience or issuer. The
 * authorization endpoint signs anyone in at once (no login page): it only
 * remembers the nonce Roster sent so the minted token can carry it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface MintContext {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The nonce Roster sent to the authorization endpoint. */
  nonce: string;
  /** The published signing key (RS256, kid `published`). */
  publishedKey: CryptoKey;
  /** A key the IdP never published (RS256, kid `published` too, to look the part). */
  unpublishedKey: CryptoKey;
}

export interface Claims {
  sub: string;
  email?: string;
  email_verified?: boolean;
  [name: string]: unknown;
}

export type Minter = (ctx: MintContext) => Promise<string>;

export interface ForgedIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Sets what the token endpoint answers next (until set again). */
  mint(minter: Minter): void;
  /** A careless IdP redeems a code more than once (so only Roster's single-use state stops a replay). */
  redeemCodesAgain(on: boolean): void;
  stop(): Promise<void>;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An ID token signed with the published key, for these claims (the honest answer). */
export const signed =
  (claims: Claims, edit: (payload: Record<string, unknown>, ctx: MintContext) => void = () => {}): Minter =>
  async (ctx) => {
    const payload: Record<string, unknown> = { ...claims, nonce: ctx.nonce };
    edit(payload, ctx);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: 'published' })
      .setIssuer(String(payload.iss ?? ctx.issuer))
      .setAudience((payload.aud as string | string[] | undefined) ?? ctx.clientId)
      .setIssuedAt(Number(payload.iat ?? now))
      .setExpirationTime(Number(payload.exp ?? now + 300))
      .sign(ctx.publishedKey);
  };

/** The same claims signed by a key the IdP's JWKS does not hold. */
export const signedByUnpublishedKey =
  (claims: Claims): Minter =>
  async (ctx) =>
    new SignJWT({ ...claims, nonce: ctx.nonce })
      .setProtectedHeader({ alg: 'RS256', kid: 'published' })
      .setIssuer(ctx.issuer)
      .setAudience(ctx.clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(ctx.unpublishedKey);

/** An unsigned token (`alg: none`). */
export const unsigned =
  (claims: Claims): Minter =>
  async (ctx) => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims, nonce: ctx.nonce, iss: ctx.issuer, aud: ctx.clientId, iat: now, exp: now + 300 };
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
  };

/** HS256 keyed by the client secret (a token anyone holding the secret — or a confused RP — could make). */
export const hmacWithClientSecret =
  (claims: Claims): Minter =>
  async (ctx) =>
    new SignJWT({ ...claims, nonce: ctx.nonce })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ctx.issuer)
      .setAudience(ctx.clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(ctx.clientSecret));

export async function startForgedIdp(options: { clientId?: string; clientSecret?: string } = {}): Promise<ForgedIdp> {
  const clientId = options.clientId ?? 'forged-client';
  const clientSecret = options.clientSecret ?? 'forged-client-secret-0123456789abcdef0123';
  const published = await generateKeyPair('RS256', { extractable: true });
  const unpublished = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'published', alg: 'RS256', use: 'sig' };
  /** code → the nonce of the authorization request it answers. */
  const codes = new Map<string, string>();
  let minter: Minter | undefined;
  let reusable = false;
  let issuer = '';

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const code = randomBytes(16).toString('hex');
      codes.set(code, url.searchParams.get('nonce') ?? '');
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', async () => {
        const code = new URLSearchParams(body).get('code') ?? '';
        const nonce = codes.get(code);
        if (!reusable) codes.delete(code);
        if (nonce === undefined || !minter) return json(400, { error: 'invalid_grant' });
        const ctx = {
          issuer,
          clientId,
          clientSecret,
          nonce,
          publishedKey: published.privateKey,
          unpublishedKey: unpublished.privateKey,
        };
        try {
          const idToken = await minter(ctx);
          json(200, {
            access_token: randomBytes(16).toString('hex'),
            token_type: 'Bearer',
            expires_in: 300,
            id_token: idToken,
          });
        } catch (error) {
          json(500, { error: 'server_error', error_description: (error as Error).message });
        }
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  issuer = `http://127.0.0.1:${address.port}`;
  return {
    issuer,
    clientId,
    clientSecret,
    mint: (next) => {
      minter = next;
    },
    redeemCodesAgain: (on) => {
      reusable = on;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
