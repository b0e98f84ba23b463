/**
 * What the user routes' authorizer costs (docs/architecture.md, "API keys"):
 * the same `userOrKeyAuthorizer` code the Lambda authorizer runs, in this
 * process against the bench's emulators —
 * - `jwtFirstMs`: a fresh authorizer's first JWT (fetches the pool's JWKS): the cold path;
 * - `jwtVerifyMs`: a full JWT verification with the JWKS in hand (signature, claims);
 * - `jwtRememberedMs`: a token already verified by this container (its expiry checked);
 * - `keyMs`: an API key (one GetItem of its item, the hash compared);
 * - `refusedMs`: a tampered key (the same read, refused);
 * and, through the gateway, the request with each credential
 * (`GET /v1/tenants/{t}/users?limit=25`): `requestJwtMs`, `requestKeyMs`.
 * An API Gateway cache hit skips the authorizer altogether (nothing to time here);
 * the function's own cold start is `authorizeRequest` in the cold start figures.
 */
import { jwtCheck, keyInTable, userOrKeyAuthorizer } from '../../lib/http/authorizer.ts';
import type { Api } from './api.ts';
import type { BenchStack } from './stack.ts';
import { type Summary, summarise } from './stats.ts';

export interface AuthorizerResult {
  jwtFirstMs: Summary;
  jwtVerifyMs: Summary;
  jwtRememberedMs: Summary;
  keyMs: Summary;
  refusedMs: Summary;
  requestJwtMs: Summary;
  requestKeyMs: Summary;
}

async function timed(rounds: number, work: () => Promise<unknown>): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const t0 = performance.now();
    await work();
    samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

export async function authorizerBench(api: Api, stack: BenchStack, rounds: number): Promise<AuthorizerResult> {
  const cognito = stack.emulators.cognito;
  const t = await api.tenantWithOwner('authz', 'scale');
  const created = await api.ok('POST', `/v1/tenants/${t.tenantId}/api-keys`, {
    token: t.ownerToken,
    body: { name: 'Bench key', permissions: ['users:view'] },
  });
  const secret = created.body.secret as string;
  const bearer = (token: string) => `Bearer ${token}`;
  const mustAllow = (verdict: { isAuthorized: boolean }) => {
    if (!verdict.isAuthorized) throw new Error('the authorizer refused a valid credential');
  };

  const jwtFirstMs = await timed(Math.min(rounds, 20), async () =>
    mustAllow(await userOrKeyAuthorizer(jwtCheck(cognito))(bearer(t.ownerToken))),
  );
  const fresh = userOrKeyAuthorizer(jwtCheck(cognito, false));
  mustAllow(await fresh(bearer(t.ownerToken)));
  const jwtVerifyMs = await timed(rounds, async () => mustAllow(await fresh(bearer(t.ownerToken))));
  const remembering = userOrKeyAuthorizer(jwtCheck(cognito), keyInTable);
  mustAllow(await remembering(bearer(t.ownerToken)));
  const jwtRememberedMs = await timed(rounds, async () => mustAllow(await remembering(bearer(t.ownerToken))));
  const keyMs = await timed(rounds, async () => mustAllow(await remembering(bearer(secret))));
  const tampered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
  const refusedMs = await timed(rounds, async () => {
    if ((await remembering(bearer(tampered))).isAuthorized) throw new Error('a tampered key was allowed');
  });

  const path = `/v1/tenants/${t.tenantId}/users?limit=25`;
  await api.ok('GET', path, { token: t.ownerToken });
  await api.ok('GET', path, { token: secret });
  // Interleaved, so drift in the machine's load falls on both alike.
  const jwtSamples: number[] = [];
  const keySamples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    jwtSamples.push((await api.ok('GET', path, { token: t.ownerToken })).ms);
    keySamples.push((await api.ok('GET', path, { token: secret })).ms);
  }
  return {
    jwtFirstMs,
    jwtVerifyMs,
    jwtRememberedMs,
    keyMs,
    refusedMs,
    requestJwtMs: summarise(jwtSamples),
    requestKeyMs: summarise(keySamples),
  };
}
