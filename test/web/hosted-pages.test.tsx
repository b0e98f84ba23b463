/**
 * The hosted pages treat their query as the visitor's to write (issue 17):
 * hostile values of each parameter still show the page's normal form, and a
 * `next` never leaves this origin. The browser suite feeds the same values to
 * the built pages (test/browser/seen.test.ts).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { issueInvitationToken } from '../../lib/domain/tokens';
import { App } from '../../web/src/App';
import { nextPath } from '../../web/src/pages/SignIn';
import { INVITATION_TOKEN_SHAPE } from '../../web/src/ui/rules';
import { HOSTILE } from '../support/hostile';
import { stubApi } from './fixtures';

function at(url: string) {
  history.replaceState(null, '', url);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
}

afterEach(() => history.replaceState(null, '', '/'));

describe('hosted pages with hostile query values', () => {
  for (const value of HOSTILE) {
    const q = encodeURIComponent(value);
    const label = JSON.stringify(value.slice(0, 30));
    it(`sign-in with notice, email and next = ${label}`, async () => {
      stubApi({});
      at(`/sign-in?notice=${q}&email=${q}&next=${q}`);
      await screen.findByRole('heading', { name: 'Sign in to Roster' });
      expect(screen.getByLabelText('Email')).toBeTruthy();
      expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
      // No notice is shown for a value the page does not know.
      expect(screen.queryByRole('status')).toBeNull();
      expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('');
    });
    it(`forgot and reset password with email = ${label}`, async () => {
      stubApi({});
      const view = at(`/forgot-password?email=${q}`);
      await screen.findByRole('heading', { name: 'Forgot your password?' });
      expect(screen.getByRole('button', { name: 'Send me a code' })).toBeTruthy();
      view.unmount();
      at(`/reset-password?email=${q}`);
      await screen.findByRole('heading', { name: 'Reset your password' });
      expect(screen.getByLabelText('Code from the email')).toBeTruthy();
    });
    it(`accept-invitation with token = ${label}`, async () => {
      const calls = stubApi({});
      at(`/accept-invitation?token=${q}`);
      await screen.findByRole('heading', { name: 'This invitation link no longer works' });
      // Not shaped like a token: a dead link at once, nothing sent to the API.
      expect(calls).toEqual([]);
    });
  }

  it('asks the API about a token shaped as Roster issues them', async () => {
    const calls = stubApi({});
    const { token } = issueInvitationToken('acme', '01jnq7x4m2a8b6c9d0e1f2g3h4');
    expect(INVITATION_TOKEN_SHAPE.test(token)).toBe(true);
    at(`/accept-invitation?token=${encodeURIComponent(token)}`);
    // The stub answers 404: the page says the link is dead, after asking.
    await screen.findByRole('heading', { name: 'This invitation link no longer works' });
    expect(calls.map((c) => c.path)).toEqual(['/v1/invitations/preview']);
  });

  it('keeps `next` on this origin, as the browser would resolve it', () => {
    const origin = 'https://roster.example';
    const next = (value: string) => nextPath(new URLSearchParams({ next: value }), origin);
    expect(next('/teams?team=t1#x')).toBe('/teams?team=t1#x');
    expect(next('/\\evil.example')).toBe('/users');
    expect(next('//evil.example')).toBe('/users');
    expect(next('javascript:alert(1)')).toBe('/users');
    expect(next('https://evil.example/')).toBe('/users');
    expect(next(`/${'x'.repeat(5000)}`)).toBe('/users');
  });
});
