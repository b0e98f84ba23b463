/** zod validation of one part of the request → 400 `validation-failed` naming each field. */
import type * as z from 'zod';
import { DomainError, type FieldError } from '../../domain/errors.ts';

export type Part = 'path' | 'query' | 'body' | 'headers';

export function validatePart<S extends z.ZodType>(part: Part, schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: [part, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const fields = [...new Set(errors.map((e) => e.path))].join(', ');
  throw new DomainError('validation-failed', `Invalid request: ${fields}.`, { errors });
}
