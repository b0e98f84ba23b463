/**
 * Issue 18 item 7: My profile changes my own email with my current password
 * (PATCH …/users/{me} {email, currentPassword}); the change ends the session,
 * so the page sends me to sign in with the new address.
 */
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ProfileScreen } from '../../web/src/console/profile/ProfileScreen';
import { inConsole, member, membership, stubApi } from './fixtures';

describe('My profile: email', () => {
  it('sends the new address with the current password, then asks to sign in with it', async () => {
    const calls = stubApi({
      'PATCH /v1/tenants/t1/users/u-me': member({ id: 'u-me', email: 'me@new.test' }),
      'GET /v1/me': { id: 'u-me', email: 'me@acme.test', mfa: { enrolled: false, enrolledAt: null }, memberships: [] },
    });
    inConsole(<ProfileScreen />, membership(['users:view']));
    const field = screen.getByLabelText('New email') as HTMLInputElement;
    expect(field.value).toBe('me@acme.test');
    await userEvent.clear(field);
    await userEvent.type(field, 'me@new.test');
    await userEvent.type(screen.getByLabelText('Your password, to confirm'), 'My-Own-Passw0rd');
    await userEvent.click(screen.getByRole('button', { name: 'Change email' }));
    await vi.waitFor(() => expect(location.pathname).toBe('/sign-in'));
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([
      {
        method: 'PATCH',
        path: '/v1/tenants/t1/users/u-me',
        body: { email: 'me@new.test', currentPassword: 'My-Own-Passw0rd' },
      },
    ]);
    expect(new URLSearchParams(location.search).get('email')).toBe('me@new.test');
    history.replaceState(null, '', '/');
  });
});
