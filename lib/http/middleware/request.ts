/**
 * Request normalisation, middy-style: headers lower-cased in place, the JSON
 * body parsed in place (malformed or not valid Unicode → 400, wrong media
 * type → 415, oversized → 413), and a correlation id derived from the request.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError } from '../../domain/errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

/** The event after `httpRequest` ran: lower-case headers and a parsed body. */
export type ParsedEvent = Omit<APIGatewayProxyEventV2, 'body' | 'headers'> & {
  headers: Record<string, string>;
  body: unknown;
};

const CORRELATION_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

export function correlationIdOf(event: {
  headers?: Record<string, string | undefined>;
  requestContext: { requestId: string };
}): string {
  const given = event.headers?.['x-correlation-id'];
  return given && CORRELATION_PATTERN.test(given) ? given : event.requestContext.requestId;
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
}

function parseBody(event: APIGatewayProxyEventV2, headers: Record<string, string>, form = false): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw, 'utf8') > MAX_BODY_BYTES) {
    throw new DomainError('payload-too-large', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
  }
  const type = headers['content-type'];
  // A browser's form post (the SAML HTTP-POST binding), on the rows that take one: fields as strings.
  if (form && /^application\/x-www-form-urlencoded\b/i.test(type ?? '')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  if (type !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new DomainError('unsupported-media-type', 'Send the request body as application/json.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new DomainError('validation-failed', 'The request body is not valid JSON.', {
      errors: [{ path: 'body', message: 'Malformed JSON' }],
    });
  }
  const where = unpairedSurrogate(parsed, 'body');
  if (where) {
    throw new DomainError('validation-failed', 'The request body holds text that is not valid Unicode.', {
      errors: [{ path: where, message: 'Contains an unpaired surrogate (\\uD800–\\uDFFF)' }],
    });
  }
  return parsed;
}

/**
 * JSON can escape half a surrogate pair ("\\ud800"); UTF-8 cannot encode it,
 * so no store or mail service takes it (the SDK's SES call throws URIError).
 * Returns the path of the first string or key holding one.
 */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export function unpairedSurrogate(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = `${path}.${key.replace(/[\ud800-\udfff]/gu, '\ufffd')}`;
    const found = LONE_SURROGATE.test(key) ? here : unpairedSurrogate(item, here);
    if (found) return found;
  }
  return undefined;
}

export function httpRequest(form = false): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    name: 'httpRequest',
    before: function normalise(request) {
      const headers = lowerCaseHeaders(request.event.headers);
      request.event.headers = headers;
      const parsed = parseBody(request.event, headers, form);
      (request.event as unknown as ParsedEvent).body = parsed;
    },
  };
}
