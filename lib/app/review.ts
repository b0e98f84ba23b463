/**
 * The access review (DESIGN §1): one page of the tenant's members, each with
 * their effective access at the request's instant — the member page is one
 * query, and custom role names and permissions come with the tenant item
 * authorisation already read, so a page costs what a page of the users list does
 * (plus one BatchGetItem for the names of the teams it mentions, when it mentions any).
 */
import { type ReviewRow, reviewRow } from '../domain/review.ts';
import { listMembers } from '../store/members.ts';
import { existingTeams } from '../store/teams.ts';
import type { TenantAccess } from './tenant-access.ts';

export interface AccessReview {
  tenantId: string;
  generatedAt: string;
  items: ReviewRow[];
  nextCursor: string | null;
}

export async function accessReview(
  access: TenantAccess,
  page: { limit: number; cursor?: string },
): Promise<AccessReview> {
  // Its own cursors: a users-list cursor is foreign here (a 400), as any list's is to another.
  const { items, nextCursor } = await listMembers(access.tenant.id, page, {}, { now: access.now, list: 'REVIEW' });
  // Names for the teams this page mentions (people read names, not ids): one BatchGetItem, none without teams.
  const teamIds = items.flatMap((member) => member.teamIds);
  const teams = teamIds.length ? await existingTeams(access.tenant.id, teamIds) : [];
  const teamNames = new Map(teams.map((team) => [team.id, team.name]));
  return {
    tenantId: access.tenant.id,
    generatedAt: access.now.toISOString(),
    items: items.map((member) => reviewRow(member, access.tenant, access.now, teamNames)),
    nextCursor,
  };
}
