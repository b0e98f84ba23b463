/**
 * Two-factor authentication in the console and on the hosted pages: the
 * sign-in's code step, the setup page (QR code with an accessible name, the
 * key as text, the first code), the admins' policy panel (which says when the
 * admin must set it up first) and the reset in a member's row actions.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../web/src/App';
import { endSession, startSession } from '../../web/src/api/session';
import { MfaPanel } from '../../web/src/console/settings/MfaPanel';
import { groupedSecret } from '../../web/src/pages/TwoFactorSetup';
import { ALL, inConsole, membership, stubApi } from './fixtures';

function at(url: string) {
  history.replaceState(null, '', url);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
}

const jwt = (claims: Record<string, unknown>) =>
  `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.sig`;
const tokens = {
  accessToken: jwt({ sub: 'u-me' }),
  idToken: jwt({ sub: 'u-me', email: 'me@acme.test' }),
  expiresIn: 3600,
};
const me = (enrolled: boolean) => ({
  id: 'u-me',
  email: 'me@acme.test',
  mfa: { enrolled, enrolledAt: enrolled ? '2026-01-02T00:00:00.000Z' : null },
  memberships: [],
});

afterEach(() => {
  endSession();
  history.replaceState(null, '', '/');
});

describe('the sign-in asks for the code when the login has two-factor authentication', () => {
  it('sends the code with the challenge’s session and signs in', async () => {
    const calls = stubApi({
      'POST /v1/auth/login': { challenge: 'SOFTWARE_TOKEN_MFA', session: 'S-1' },
      'POST /v1/auth/mfa/challenge': tokens,
    });
    at('/sign-in?next=/profile');
    await userEvent.type(await screen.findByLabelText('Email'), 'me@acme.test');
    await userEvent.type(screen.getByLabelText('Password'), 'Corr3ctHorseBattery');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Enter your code' });
    await userEvent.type(screen.getByLabelText('Code from the app'), '123 456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify and sign in' }));
    await vi.waitFor(() => expect(location.pathname).toBe('/profile'));
    expect(calls.find((c) => c.path === '/v1/auth/mfa/challenge')?.body).toEqual({
      email: 'me@acme.test',
      session: 'S-1',
      code: '123456',
    });
  });
});

describe('the setup page', () => {
  it('shows the QR code (named) and the key as text, and turns it on with the first code', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const calls = stubApi({
      'POST /v1/auth/mfa/totp/setup': { secret, otpauthUri: `otpauth://totp/Roster:me%40acme.test?secret=${secret}` },
      'POST /v1/auth/mfa/totp/verify': { enrolled: true, enrolledAt: '2026-01-02T00:00:00.000Z' },
    });
    startSession(tokens);
    at('/two-factor-setup?next=/users&required=1');
    const qr = await screen.findByRole('img', { name: 'QR code for adding Roster to your authenticator app' });
    expect(qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(screen.getByText(groupedSecret(secret))).toBeTruthy();
    expect(screen.getByText(/Your organisation requires two-factor authentication/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Code from the app'), '654321');
    await userEvent.click(screen.getByRole('button', { name: 'Turn on two-factor authentication' }));
    await vi.waitFor(() => expect(location.pathname).toBe('/users'));
    expect(calls.find((c) => c.path === '/v1/auth/mfa/totp/verify')?.body).toEqual({ code: '654321' });
  });
});

describe('the policy panel (admins)', () => {
  it('an admin without it is told to set it up first and cannot require it', async () => {
    const calls = stubApi({ 'GET /v1/me': me(false) });
    inConsole(<MfaPanel onDone={() => undefined} />, membership(ALL));
    await userEvent.click(screen.getByLabelText('Require two-factor authentication of every member'));
    const panel = screen.getByRole('region', { name: 'Two-factor authentication' });
    await within(panel).findByText(/Set up two-factor authentication for yourself first/);
    expect(within(panel).getByRole('link', { name: 'set it up now' }).getAttribute('href')).toBe(
      '/two-factor-setup?next=%2Fsettings',
    );
    expect((within(panel).getByRole('button', { name: 'Save two-factor policy' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('an enrolled admin requires it with a grace period', async () => {
    const tenant = membership(ALL).tenant;
    const calls = stubApi({
      'GET /v1/me': me(true),
      'PATCH /v1/tenants/t1': {
        ...tenant,
        mfa: {
          required: true,
          graceDays: 0,
          includeSso: false,
          requiredAt: '2026-01-03T00:00:00.000Z',
          enforcedFrom: '2026-01-03T00:00:00.000Z',
        },
      },
    });
    const done = vi.fn();
    inConsole(<MfaPanel onDone={done} />, membership(ALL));
    await screen.findByRole('button', { name: 'Save two-factor policy' });
    await vi.waitFor(() => expect(calls.some((c) => c.path === '/v1/me')).toBe(true));
    await userEvent.click(screen.getByLabelText('Require two-factor authentication of every member'));
    await userEvent.selectOptions(screen.getByLabelText('Grace period'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Save two-factor policy' }));
    await vi.waitFor(() => expect(done).toHaveBeenCalledWith(expect.stringMatching(/is required/)));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      mfa: { required: true, graceDays: 0, includeSso: false },
    });
  });
});
