/**
 * Form rules as the API states them (openapi.json): a test compares these
 * with the document, so a page never accepts what the API refuses.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
export const NAME_MAX = 200;
export const EMAIL_MAX = 254;
export const PASSWORD_HINT = `At least ${PASSWORD_MIN} characters, with a lowercase letter, an uppercase letter and a digit.`;

/** Why a password would be refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  if (!/[a-z]/.test(password)) return 'Add a lowercase letter.';
  if (!/[A-Z]/.test(password)) return 'Add an uppercase letter.';
  if (!/[0-9]/.test(password)) return 'Add a digit.';
  return undefined;
}

/** The patterns the API's Password schema lists (allOf), in the same order. */
export const PASSWORD_PATTERNS = ['[a-z]', '[A-Z]', '[0-9]'] as const;

/** Working hours: at most this many intervals a week (the API's `weekly` maxItems). */
export const MAX_INTERVALS = 28;

/**
 * The shape of an invitation link's token (`tenant.member.secret`, as
 * lib/domain/tokens.ts issues it): anything else is a dead link at once, with
 * no request (a visitor's query is not the API's to parse).
 */
export const INVITATION_TOKEN_SHAPE = /^[a-z0-9][a-z0-9-]{0,63}\.[A-Za-z0-9-]{1,64}\.[A-Za-z0-9_-]{43}$/;
