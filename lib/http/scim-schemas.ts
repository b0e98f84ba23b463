/** Request shapes of the `/scim/v2` routes: loose, as SCIM reads its own bodies (unknown attributes ignored). */
import * as z from 'zod';

export const ScimResourcePath = z
  .object({ id: z.string().min(1).max(128).meta({ description: 'The resource’s id (a member’s or a team’s)' }) })
  .strict();

const text = (description: string) => z.string().max(2_000).optional().meta({ description });

export const ScimListQuery = z.looseObject({
  filter: text('A SCIM filter (RFC 7644 §3.4.2.2): eq ne co sw ew gt ge lt le pr, and, or, not, parentheses'),
  startIndex: text('1-based index of the first result (default 1)'),
  count: text('Results per page (0–200, default 100)'),
  attributes: text('Attributes to return (comma-separated)'),
  excludedAttributes: text('Attributes to leave out (comma-separated), e.g. members'),
});

export const ScimGetQuery = z.looseObject({
  attributes: text('Attributes to return (comma-separated)'),
  excludedAttributes: text('Attributes to leave out (comma-separated), e.g. members'),
});

export const ScimBody = z.unknown().meta({
  description: 'A SCIM resource or PatchOp message (application/scim+json); unknown attributes are ignored',
});
