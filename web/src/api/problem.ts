/**
 * Every refusal the API gives is an RFC 9457 problem; API Gateway's own
 * answers are `{message}`. Both become one typed error whose `detail` is what
 * the person is shown.
 */
import type { components } from './schema';

type ProblemBody = components['schemas']['Problem'];

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: { path: string; message: string }[];
  readonly seats?: components['schemas']['Seats'];
  readonly correlationId?: string;
  readonly retryAfter?: number;

  constructor(status: number, body: Partial<ProblemBody>, retryAfter?: number) {
    const detail = body.detail ?? body.title ?? `The request failed (HTTP ${status}).`;
    super(detail);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = body.code ?? (status === 401 ? 'unauthenticated' : 'error');
    this.title = body.title ?? 'Request failed';
    this.detail = detail;
    this.errors = body.errors ?? [];
    this.seats = body.seats;
    this.correlationId = body.correlationId;
    this.retryAfter = retryAfter;
  }

  /** The message for one form field (`body.email` → `email`), if the problem names it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.path === `body.${field}` || e.path === field)?.message;
  }
}

/** The problem a failed response carries (problem+json, a gateway message, or nothing readable). */
export async function problemFrom(response: Response): Promise<ApiProblem> {
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let body: Partial<ProblemBody> & { message?: string } = {};
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    // Not JSON: the status says enough.
  }
  if (!body.detail && body.message) body = { ...body, detail: gatewayDetail(response.status, body.message) };
  return new ApiProblem(response.status, body, retryAfter);
}

function gatewayDetail(status: number, message: string): string {
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  return message;
}

/** What to show for any error thrown by a query or mutation. */
export function describe(error: unknown): string {
  if (error instanceof ApiProblem) {
    return error.status >= 500 && error.correlationId
      ? `${error.detail} (reference ${error.correlationId})`
      : error.detail;
  }
  if (error instanceof TypeError) return 'Roster could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
