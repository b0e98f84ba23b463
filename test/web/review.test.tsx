/** The access review: its table, and the CSV download (every page, the header once, with the API's file name). */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReviewScreen } from '../../web/src/console/review/ReviewScreen';
import { ReviewTable } from '../../web/src/console/review/ReviewTable';
import { attachmentName, fetchReviewCsv, nextFromLink, type ReviewRow } from '../../web/src/data/review';
import { ALL, inConsole, membership } from './fixtures';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');

function row(overrides: Partial<ReviewRow> = {}): ReviewRow {
  return {
    id: 'u-ann',
    email: 'ann@acme.test',
    name: 'Ann Agent',
    status: 'active',
    owner: false,
    role: 'agent',
    roleId: null,
    roleName: 'Agent',
    permissions: ['users:view', 'contacts:view'],
    grants: [],
    crmAccess: true,
    teamIds: [],
    teams: [],
    lastLoginAt: '2026-05-30T09:00:00.000Z',
    inactiveSince: '2026-05-30T09:00:00.000Z',
    ...overrides,
  };
}

const rows = [
  row({ id: 'u-owner', email: 'olivia@acme.test', name: 'Olivia Owner', owner: true, role: 'admin' }),
  row({
    id: 'u-sam',
    email: 'sam@acme.test',
    name: 'Sam Sales',
    role: 'custom',
    roleId: 'sales-lead',
    roleName: 'Sales lead',
    grants: [
      { permission: 'contacts:edit', expiresAt: '2026-12-15T12:00:00.000Z' },
      { permission: 'users:create', expiresAt: null },
    ],
    teamIds: ['support-eu'],
    teams: ['Support EU'],
    crmAccess: false,
  }),
  row({
    id: 'u-ivy',
    email: 'ivy@acme.test',
    name: 'Ivy Idle',
    lastLoginAt: null,
    inactiveSince: '2026-01-10T12:00:00.000Z',
  }),
];

afterEach(() => vi.restoreAllMocks());

describe('ReviewTable', () => {
  it('shows each member’s role, template, effective permissions, timed grants, CRM access, teams and activity', () => {
    inConsole(
      <ReviewTable rows={rows} teamName={(id) => (id === 'support-eu' ? 'Support EU' : id)} now={NOW} />,
      membership(ALL),
    );
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Name',
      'Email',
      'Status',
      'Role',
      'Role template',
      'Effective permissions',
      'Extra grants',
      'CRM access',
      'Teams',
      'Last login',
      'Inactive since',
    ]);
    const body = screen.getAllByRole('row').slice(1);
    expect(body).toHaveLength(3);
    const sam = within(body[1] as HTMLElement);
    expect(sam.getByRole('rowheader').textContent).toBe('Sam Sales');
    expect(sam.getAllByRole('cell').map((c) => c.textContent)).toEqual(
      expect.arrayContaining(['Custom', 'Sales lead', 'No', 'Support EU']),
    );
    const grants = within(sam.getByRole('list', { name: 'Extra grants of sam@acme.test' })).getAllByRole('listitem');
    expect(grants.map((g) => g.textContent)).toEqual([
      expect.stringMatching(/^contacts:edit until Dec 15, 2026/),
      'users:create (permanent)',
    ]);
    // The permission list opens from a control named for its row.
    expect(sam.getByText('2 permissions')).toBeTruthy();
    expect(within(body[0] as HTMLElement).getByText('Owner')).toBeTruthy();
    // Never signed in, invited in January: inactive since then, and flagged.
    const ivy = within(body[2] as HTMLElement);
    expect(ivy.getByText('Never')).toBeTruthy();
    expect(ivy.getAllByRole('cell').map((c) => c.textContent)).toContain('Jan 10, 2026Inactive');
    expect(sam.queryByText('Inactive')).toBeNull();
  });
});

describe('what the review says of people', () => {
  it('“Inactive since” only where the person is inactive; people without access read “No access”', () => {
    inConsole(
      <ReviewTable
        rows={[
          // Signed in moments ago: active, not inactive since today.
          row({ id: 'u-ann', lastLoginAt: '2026-06-01T11:59:00.000Z', inactiveSince: '2026-06-01T11:59:00.000Z' }),
          row({ id: 'u-dee', email: 'dee@acme.test', name: 'Dee Gone', status: 'deactivated', permissions: [] }),
          row({
            id: 'u-ina',
            email: 'ina@acme.test',
            name: 'Ina Invited',
            status: 'invited',
            role: 'admin',
            // An older API still counted an invitee's role: the console does not.
            permissions: ['users:view', 'users:edit'],
            lastLoginAt: null,
            inactiveSince: '2026-01-10T12:00:00.000Z',
          }),
          row({ id: 'u-ivy', email: 'ivy@acme.test', lastLoginAt: null, inactiveSince: '2026-01-10T12:00:00.000Z' }),
        ]}
        teamName={(id) => id}
        now={NOW}
      />,
      membership(ALL),
    );
    const column = (header: string) => {
      const index = screen.getAllByRole('columnheader').findIndex((h) => h.textContent === header);
      return screen
        .getAllByRole('row')
        .slice(1)
        .map((r) => within(r).getAllByRole('cell')[index - 1]?.textContent);
    };
    expect(column('Inactive since')).toEqual(['—', '—', '—', 'Jan 10, 2026Inactive']);
    expect(column('Effective permissions').map((t) => t?.replace(/ of .*/, ''))).toEqual([
      '2 permissions',
      'No access',
      'No access',
      '2 permissions',
    ]);
  });
});

describe('the CSV', () => {
  it('reads the next page from Link and the file name from Content-Disposition', () => {
    expect(nextFromLink('</v1/tenants/t1/access-review?limit=1000&cursor=abc%3D%3D>; rel="next"')).toBe('abc==');
    expect(nextFromLink(null)).toBeUndefined();
    expect(nextFromLink('</v1/x>; rel="prev"')).toBeUndefined();
    expect(attachmentName('attachment; filename="access-review-t1-2026-06-01.csv"')).toBe(
      'access-review-t1-2026-06-01.csv',
    );
    expect(attachmentName(null)).toBeUndefined();
  });

  /** Two CSV pages, as the API answers `Accept: text/csv`. */
  function csvApi() {
    const requests: Request[] = [];
    const pages: Record<string, { body: string; link?: string }> = {
      '': {
        body: 'id,email\r\nu-1,"a,b@acme.test"\r\n',
        link: '</v1/tenants/t1/access-review?limit=1000&cursor=p2>; rel="next"',
      },
      p2: { body: 'id,email\r\nu-2,c@acme.test\r\n' },
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(async (request: Request) => {
        requests.push(request);
        const page = pages[new URL(request.url).searchParams.get('cursor') ?? ''];
        return new Response(page?.body, {
          headers: {
            'content-type': 'text/csv; charset=utf-8; header=present',
            'content-disposition': 'attachment; filename="access-review-t1-2026-06-01.csv"',
            ...(page?.link ? { link: page.link } : {}),
          },
        });
      }),
    );
    return requests;
  }

  it('is every page, asked for as text/csv, joined with the header line once', async () => {
    const requests = csvApi();
    const { filename, csv } = await fetchReviewCsv('t1');
    expect(filename).toBe('access-review-t1-2026-06-01.csv');
    expect(csv).toBe('id,email\r\nu-1,"a,b@acme.test"\r\nu-2,c@acme.test\r\n');
    expect(requests.map((r) => r.headers.get('accept'))).toEqual(['text/csv', 'text/csv']);
    expect(requests.map((r) => new URL(r.url).searchParams.get('cursor'))).toEqual([null, 'p2']);
  });

  it('Download CSV saves the file and says so', async () => {
    csvApi();
    const saved: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      saved.push(blob as Blob);
      return 'blob:review';
    });
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    inConsole(<ReviewScreen />, membership(['audit:view']));
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await screen.findByText('Downloaded access-review-t1-2026-06-01.csv.');
    expect(clicks).toEqual(['access-review-t1-2026-06-01.csv']);
    expect(await saved[0]?.text()).toBe('id,email\r\nu-1,"a,b@acme.test"\r\nu-2,c@acme.test\r\n');
  });
});
