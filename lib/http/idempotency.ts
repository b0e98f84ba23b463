/** Reads the optional `Idempotency-Key` header of a creating POST. */
import { type Idempotency, idempotencyOf } from '../store/idempotency.ts';
import { validatePart } from './middleware/validate.ts';
import { IdempotencyKey } from './schemas.ts';

export function idempotencyFrom(
  headers: Record<string, string>,
  tenantId: string,
  operation: string,
  body: unknown,
): Idempotency | undefined {
  const raw = headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = validatePart('headers', IdempotencyKey, raw);
  return idempotencyOf(tenantId, operation, key, body);
}
