/**
 * The signed-in session, per browser (issue 18 item 13). Access and ID tokens
 * live in memory only; the refresh token is an HttpOnly, SameSite=Strict
 * cookie on `/v1/auth` set by the API at sign-in (lib/http/session-cookie.ts),
 * which no script can read. A reload or a new tab resumes with
 * `POST /v1/auth/refresh` sending that cookie. localStorage holds no token,
 * only the hint `roster.session` that a session may be there to resume (so a
 * first visit goes straight to sign-in, without an "ended" notice) and the
 * organisation chosen last; the tab's own choice is in sessionStorage.
 */
import { useSyncExternalStore } from 'react';

export interface Tokens {
  accessToken: string;
  idToken: string;
  refreshToken?: string;
  expiresIn: number;
}

interface Session {
  accessToken: string;
  idToken: string;
  expiresAt: number;
  email?: string;
  sub?: string;
}

/** Not a token: only "this browser may hold a session cookie". */
const HINT_KEY = 'roster.session';
const TENANT_KEY = 'roster.tenantId';
/** Set once a resume was tried on this page (or the session ended): no second attempt. */
let resumeTried = false;

let session: Session | undefined;
let version = 0;
/** Set when the API ended the session (a revoked or expired one), for the sign-in page to say so once. */
let endedByApi = false;
const listeners = new Set<() => void>();

function changed(): void {
  version += 1;
  for (const listener of listeners) listener();
}

function storage(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined;
  }
}

function hints(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The claims of a JWT, unverified: only for showing who is signed in. */
export function claims(jwt: string): Record<string, unknown> {
  try {
    const payload = jwt.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function startSession(tokens: Tokens): void {
  const idClaims = claims(tokens.idToken);
  session = {
    accessToken: tokens.accessToken,
    idToken: tokens.idToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    email: typeof idClaims.email === 'string' ? idClaims.email : undefined,
    sub: typeof idClaims.sub === 'string' ? idClaims.sub : undefined,
  };
  hints()?.setItem(HINT_KEY, '1');
  changed();
}

export function endSession(options: { byApi?: boolean } = {}): void {
  endedByApi = options.byApi ?? false;
  session = undefined;
  resumeTried = true;
  hints()?.removeItem(HINT_KEY);
  hints()?.removeItem(TENANT_KEY);
  storage()?.removeItem(TENANT_KEY);
  changed();
}

/** True once after the API ended the session (then false again). */
export function takeEndedByApi(): boolean {
  const ended = endedByApi;
  endedByApi = false;
  return ended;
}

export const accessToken = (): string | undefined => session?.accessToken;
/** A resume was tried and failed: the cookie is gone or ended. */
export function resumeFailed(): void {
  resumeTried = true;
  hints()?.removeItem(HINT_KEY);
  changed();
}
export const signedInEmail = (): string | undefined => session?.email;
export const isSignedIn = (): boolean => session !== undefined;
/** True when a reload or a new tab may restore the session (this browser signed in, not yet tried here). */
export const canResume = (): boolean => session === undefined && !resumeTried && hints()?.getItem(HINT_KEY) === '1';

/** This tab's organisation; a new tab starts in the one chosen last in this browser. */
export const chosenTenant = (): string | undefined =>
  storage()?.getItem(TENANT_KEY) ?? hints()?.getItem(TENANT_KEY) ?? undefined;
export function chooseTenant(tenantId: string): void {
  storage()?.setItem(TENANT_KEY, tenantId);
  hints()?.setItem(TENANT_KEY, tenantId);
  changed();
}

/** Re-renders on sign-in, sign-out, refresh and tenant switch. */
export function useSession(): { signedIn: boolean; email?: string; tenantId?: string; resumable: boolean } {
  useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => version,
  );
  return { signedIn: isSignedIn(), email: session?.email, tenantId: chosenTenant(), resumable: canResume() };
}
