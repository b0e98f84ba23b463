/** `If-Match` → the version it names (undefined when absent or `*`); malformed → 412. */
import { DomainError } from '../domain/errors.ts';
import { versionFromIfMatch } from './reply.ts';

export function ifMatchVersion(headers: Record<string, string>): number | undefined {
  const version = versionFromIfMatch(headers['if-match']);
  if (version === 'invalid') {
    throw new DomainError('precondition-failed', 'If-Match must be an ETag this API returned, e.g. "v3".');
  }
  return version;
}
