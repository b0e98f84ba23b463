/** What a route's `run` returns: status, JSON body and optional headers. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set by `raw`: the body is sent as is with this media type instead of as JSON. */
  contentType?: string;
  /** `Set-Cookie` values (API Gateway v2's `cookies`): only the auth routes' session cookie. */
  cookies?: string[];
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 200, body, headers });
export const created = (body: unknown, headers?: Record<string, string>): Reply => ({ status: 201, body, headers });
export const accepted = (body?: unknown): Reply => ({ status: 202, body });
export const noContent = (): Reply => ({ status: 204 });
/**
 * A non-JSON reply (a page, a script): a string is sent as text, bytes
 * base64-encoded. Headers may set the reply's own `content-security-policy`
 * and `cache-control`; the other security headers always apply.
 */
export const raw = (body: string | Uint8Array, contentType: string, headers?: Record<string, string>): Reply => ({
  status: 200,
  body,
  contentType,
  headers,
});

/** A strong entity tag from an item's version counter. */
export const etagOf = (version: number) => `"v${version}"`;

/** Reads `If-Match` into the version it names: undefined when absent or `*`. */
export function versionFromIfMatch(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"v(\d{1,15})"\s*$/.exec(header);
  return match?.[1] ? Number(match[1]) : 'invalid';
}

/** A stored `{status, body}` (e.g. an idempotent replay) as a reply. */
export const reply = (stored: { status: number; body: unknown }): Reply => ({
  status: stored.status,
  body: stored.body,
});
