/** Previous as well as Next: the cursors behind the current page ride on the history entry, the filters in the URL. */
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { navigate, useLocation } from '../../web/src/router';
import { Pager, trailOf } from '../../web/src/ui/Pager';

/** Pages named by their cursor: '' → c2 → c3 → c4 (the last). */
const NEXT: Record<string, string | null> = { '': 'c2', c2: 'c3', c3: 'c4', c4: null };

function Listing() {
  const { query } = useLocation();
  const cursor = query.get('cursor') || undefined;
  return (
    <>
      <p>Showing {cursor ?? 'the first page'}</p>
      <Pager
        label="Pages of things"
        query={{ status: query.get('status') ?? undefined }}
        cursor={cursor}
        nextCursor={NEXT[cursor ?? '']}
      />
    </>
  );
}

const button = (name: string) => screen.queryByRole('button', { name });
const url = () => `${location.pathname}${location.search}`;

beforeEach(() => navigate('/things?status=active', { replace: true }));

describe('Pager', () => {
  it('goes forward and back through the pages, keeping the filters, and counts them', async () => {
    render(<Listing />);
    expect(button('Previous page')).toBeNull();
    expect(button('First page')).toBeNull();
    expect(screen.getByText('Page 1')).toBeTruthy();

    await userEvent.click(button('Next page') as HTMLElement);
    expect(url()).toBe('/things?status=active&cursor=c2');
    await userEvent.click(button('Next page') as HTMLElement);
    await userEvent.click(button('Next page') as HTMLElement);
    expect(url()).toBe('/things?status=active&cursor=c4');
    expect(screen.getByText('Page 4')).toBeTruthy();
    expect(button('Next page')).toBeNull();

    await userEvent.click(button('Previous page') as HTMLElement);
    expect(url()).toBe('/things?status=active&cursor=c3');
    expect(screen.getByText('Showing c3')).toBeTruthy();
    expect(screen.getByText('Page 3')).toBeTruthy();
    await userEvent.click(button('Previous page') as HTMLElement);
    // One page after the first, Previous is the first page: no separate "First page".
    expect(button('First page')).toBeNull();
    await userEvent.click(button('Previous page') as HTMLElement);
    expect(url()).toBe('/things?status=active');
    expect(screen.getByText('Showing the first page')).toBeTruthy();
    expect(button('Previous page')).toBeNull();
  });

  it('a later page opened from a link has no trail: First page, then Previous back to it', async () => {
    navigate('/things?status=active&cursor=c3', { replace: true });
    render(<Listing />);
    expect(button('Previous page')).toBeNull();
    expect(screen.queryByText(/^Page /)).toBeNull();
    await userEvent.click(button('Next page') as HTMLElement);
    await userEvent.click(button('Previous page') as HTMLElement);
    expect(url()).toBe('/things?status=active&cursor=c3');
    await userEvent.click(button('First page') as HTMLElement);
    expect(url()).toBe('/things?status=active');
  });

  it('trusts a trail only for the cursor it was written with', () => {
    expect(trailOf({ pagerCursor: 'c3', pagerTrail: ['', 'c2'] }, 'c3')).toEqual(['', 'c2']);
    expect(trailOf({ pagerCursor: 'c3', pagerTrail: ['', 'c2'] }, 'c9')).toEqual([]);
    expect(trailOf({ pagerCursor: 'c3', pagerTrail: [1, 2] }, 'c3')).toEqual([]);
    expect(trailOf(null, 'c3')).toEqual([]);
    expect(trailOf({ pagerCursor: 'c3', pagerTrail: ['', 'c2'] }, undefined)).toEqual([]);
  });
});
