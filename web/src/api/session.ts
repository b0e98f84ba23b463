/**
 * The signed-in session. Access and ID tokens live in memory only; the
 * refresh token (and the chosen tenant) in sessionStorage, so a reload of this
 * tab stays signed in while no other tab, origin or later visit can read
 * them. Nothing is ever written to localStorage or a cookie.
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

const REFRESH_KEY = 'roster.refreshToken';
const TENANT_KEY = 'roster.tenantId';

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
  if (tokens.refreshToken) storage()?.setItem(REFRESH_KEY, tokens.refreshToken);
  changed();
}

export function endSession(options: { byApi?: boolean } = {}): void {
  endedByApi = options.byApi ?? false;
  session = undefined;
  storage()?.removeItem(REFRESH_KEY);
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
export const refreshToken = (): string | undefined => storage()?.getItem(REFRESH_KEY) ?? undefined;
export const signedInEmail = (): string | undefined => session?.email;
export const isSignedIn = (): boolean => session !== undefined;
/** True when a reload can restore the session (a refresh token is kept for this tab). */
export const canResume = (): boolean => session === undefined && refreshToken() !== undefined;

export const chosenTenant = (): string | undefined => storage()?.getItem(TENANT_KEY) ?? undefined;
export function chooseTenant(tenantId: string): void {
  storage()?.setItem(TENANT_KEY, tenantId);
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
