/**
 * Requests exactly as written — raw path bytes (`..`, `%00`, malformed
 * escapes), any content type, malformed JSON, oversized bodies — which
 * `fetch` would normalise or refuse, and the check every refusal must pass:
 * an RFC 9457 problem document.
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import type { HttpMethod } from '../../lib/http/routes.ts';

export interface WireRequest {
  method: HttpMethod | string;
  /** Path and query, already encoded: sent byte for byte. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function send(baseUrl: string, req: WireRequest): Promise<WireResponse> {
  const url = new URL(baseUrl);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * Percent-encodes every byte but the unreserved ones (a lone surrogate becomes
 * U+FFFD's bytes, as any UTF-8 client would send it).
 */
export function encodeSegment(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Asserts `res` is an RFC 9457 problem (with this API's `code`) that says nothing internal. */
export function expectProblem(res: WireResponse, context: string): void {
  expect(String(res.headers['content-type']), context).toMatch(/^application\/problem\+json\b/);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    throw new Error(`${context}: the problem body is not JSON: ${res.text.slice(0, 200)}`);
  }
  expect(body, context).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: res.status,
    detail: expect.any(String),
    code: expect.any(String),
  });
  if (body.code === 'validation-failed' && body.errors !== undefined) {
    for (const error of body.errors as unknown[]) {
      expect(error, context).toMatchObject({ path: expect.any(String), message: expect.any(String) });
    }
  }
  expect(res.text, `${context}: a problem names no internals`).not.toMatch(/node_modules|\bat \S+ \(|Exception\b/);
}

/** One line naming a request in a failure message (long values cut). */
export function describeRequest(req: WireRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const body = req.body === undefined ? '' : ` body=${cut(String(req.body))}`;
  const { authorization, 'x-platform-key': key, ...headers } = req.headers ?? {};
  const credentials = authorization ? ' (bearer token)' : key ? ' (platform key)' : '';
  return `${req.method} ${cut(req.path)}${credentials} headers=${JSON.stringify(headers)}${body}`;
}
