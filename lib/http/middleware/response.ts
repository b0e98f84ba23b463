/**
 * Response shaping, middy-style: security and correlation headers on every
 * response, and every error turned into an RFC 9457 problem — the message is
 * exposed only for known 4xx codes; 5xx say nothing internal and are logged.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../log.ts';
import { toProblem } from '../problems.ts';
import { correlationIdOf } from './request.ts';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** Security headers a reply may set for itself (a page's own CSP, a cacheable asset); the others are fixed. */
const REPLY_MAY_SET = ['cache-control', 'content-security-policy'] as const;

function ownedByReply(headers: APIGatewayProxyStructuredResultV2['headers']): Record<string, string> {
  const own: Record<string, string> = {};
  for (const name of REPLY_MAY_SET) {
    const value = headers?.[name];
    if (value !== undefined) own[name] = String(value);
  }
  return own;
}

/** 503 and 429 say when to come back (a 429 problem carries its own `retryAfter` seconds). */
function retryAfter(body: { status: number; retryAfter?: unknown }): Record<string, string> {
  if (body.status === 429) return { 'retry-after': String(Number(body.retryAfter) || 1) };
  return body.status === 503 ? { 'retry-after': '1' } : {};
}

/** Refusal logs never carry an email address (a detail may name one to the caller). */
const withoutEmails = (text: string) => text.replace(/[^\s@<>"']+@[^\s@<>"']+/g, '<email>');

export function httpResponse(
  routeId: string,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const headersFor = (event: APIGatewayProxyEventV2) => ({
    ...SECURITY_HEADERS,
    'x-correlation-id': correlationIdOf(event),
  });
  return {
    name: 'httpResponse',
    before: function tagLogs(request) {
      // This request's keys only, whatever an earlier invocation left behind.
      logger.resetKeys();
      logger.appendKeys({ correlationId: correlationIdOf(request.event), routeId });
    },
    after: function secure(request) {
      const response = request.response ?? { statusCode: 204 };
      request.response = {
        ...response,
        headers: { ...response.headers, ...headersFor(request.event), ...ownedByReply(response.headers) },
      };
    },
    onError: function problem(request) {
      const body = toProblem(request.error, correlationIdOf(request.event));
      if (body.status >= 500) logger.error('request failed', { status: body.status, error: request.error as Error });
      else logger.info('request refused', { status: body.status, code: body.code, detail: withoutEmails(body.detail) });
      request.response = {
        statusCode: body.status,
        headers: {
          'content-type': 'application/problem+json',
          ...retryAfter(body),
          ...headersFor(request.event),
        },
        body: JSON.stringify(body),
      };
    },
  };
}
