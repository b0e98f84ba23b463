/** Reads the optional `Idempotency-Key` header of a creating POST. */
import { type Idempotency, idempotencyOf } from '../store/idempotency.ts';
import { validatePart } from './middleware/validate.ts';
import { IdempotencyKey } from './schemas.ts';

/** The record is bound to the tenant, the operation and the calling member. */
export function idempotencyFrom(
  headers: Record<string, string>,
  access: { tenant: { id: string }; member: { id: string } },
  operation: string,
  body: unknown,
): Idempotency | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = validatePart('headers', IdempotencyKey, raw);
  return idempotencyOf(access.tenant.id, operation, access.member.id, key, body);
}
