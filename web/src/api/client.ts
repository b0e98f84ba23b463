/**
 * The one typed client (openapi-fetch over the generated schema). Its
 * middleware adds the bearer token and a correlation id, and turns every refusal into an
 * ApiProblem; an expired access token is refreshed once and the request
 * retried; a revoked session ends here and the person signs in again; an
 * organisation's MFA policy sends the person to set up two-factor authentication.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { navigate } from '../router';
import { ApiProblem, problemFrom } from './problem';
import type { paths } from './schema';
import { accessToken, endSession, resumeFailed, startSession, type Tokens } from './session';

export type Paths = paths;

const auth: Middleware = {
  onRequest({ request }) {
    const token = accessToken();
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
    // The API logs under it and quotes it in a 5xx problem, which the page shows.
    request.headers.set('x-correlation-id', crypto.randomUUID());
    return request;
  },
  async onResponse({ request, response }) {
    if (!response.ok) {
      const problem = await problemFrom(response);
      if (problem.code === 'mfa-enrollment-required' && request.method === 'GET') toTwoFactorSetup();
      throw problem;
    }
    return response;
  },
};

/**
 * The organisation's MFA policy refuses this person until they set up
 * two-factor authentication: the enrolment page, then back here. (A refused
 * change — an admin requiring it before setting it up — stays on its form.)
 */
function toTwoFactorSetup(): void {
  if (typeof location === 'undefined' || location.pathname === '/two-factor-setup') return;
  const next = encodeURIComponent(`${location.pathname}${location.search}`);
  navigate(`/two-factor-setup?next=${next}&required=1`, { replace: true });
}

let refreshing: Promise<boolean> | undefined;

/**
 * Swaps the browser's session cookie for fresh tokens, once at a time; false when the session cannot
 * go on. The header is what the API requires before it reads the cookie (CSRF: docs/security.md).
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/v1/auth/refresh', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-roster-session': 'cookie' },
    body: '{}',
  })
    .then(async (response) => {
      if (!response.ok) {
        resumeFailed();
        return false;
      }
      startSession((await response.json()) as Tokens);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

/** fetch with one retry after a refresh when a signed-in request gets 401. */
async function fetchWithRefresh(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await fetch(request);
  if (response.status !== 401 || !request.headers.has('authorization')) return response;
  const problem = await problemFrom(response);
  if (problem.code !== 'session-revoked' && (await refreshSession())) {
    retry.headers.set('authorization', `Bearer ${accessToken()}`);
    return fetch(retry);
  }
  endSession({ byApi: true });
  return response;
}

export const api = createClient<Paths>({
  baseUrl: typeof location === 'undefined' ? '' : location.origin,
  fetch: fetchWithRefresh,
});
api.use(auth);

/** The data of a successful call (refusals were thrown by the middleware). */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined) throw error instanceof ApiProblem ? error : await problemFrom(response);
  return data as T;
}
