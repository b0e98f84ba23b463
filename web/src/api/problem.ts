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
    const detail = plainWords(body.detail ?? body.title ?? `The request failed (HTTP ${status}).`, body.errors ?? []);
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

/** What a person calls the fields the API names by their path (`body.teamIds.0` → "Teams"). */
const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  role: 'Role',
  roleId: 'Role template',
  teamIds: 'Teams',
  grants: 'Extra permissions',
  permissions: 'Permissions',
  description: 'Description',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  workingHours: 'Working hours',
  availability: 'Availability',
  crmAccess: 'CRM access',
  seatLimit: 'Seat limit',
  plan: 'Plan',
  capacity: 'Capacity',
  strategy: 'Assignment',
  autoSuspendInactiveDays: 'Auto-suspension period',
  inactiveDays: 'Signed in',
  q: 'Search',
  cursor: 'Page',
  limit: 'Page size',
  until: 'Until',
  expiresAt: 'Until',
  newOwnerId: 'New owner',
};

/** The label of a field path: its last named segment, by `FIELD_LABELS`, else its words ("fooBar" → "Foo bar"). */
export function fieldLabel(path: string): string {
  const segments = path
    .split('.')
    .filter((s) => s !== '' && !/^\d+$/.test(s) && !['body', 'query', 'params'].includes(s));
  const field = segments.at(0) ?? path;
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The API's wording for developers, in a person's words: "Invalid request:
 * body.name." becomes "Name: Must not be empty."; a tenant is an organisation.
 */
export function plainWords(detail: string, errors: readonly { path: string; message: string }[]): string {
  let text = detail;
  if (errors.length > 0 && /^Invalid request\b/.test(detail)) {
    text = errors.map((e) => `${fieldLabel(e.path)}: ${e.message.replace(/[.]$/, '')}`).join('. ');
    text = `${text}.`;
  }
  return text
    .replace(/\b(body|query|params)\.([A-Za-z]+)(\.\d+)?\b/g, (_m, _where, field: string) => fieldLabel(field))
    .replace(/(?<![/\w.-])([Tt])enant(s?)\b(?![/\w-])/g, (_m, t: string, plural: string) =>
      t === 'T' ? `Organisation${plural}` : `organisation${plural}`,
    );
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
