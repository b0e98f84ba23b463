/** Online / away from the header, on every screen (issue 18 item 13). */
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AvailabilityToggle } from '../../web/src/console/AvailabilityToggle';
import { ALL, inConsole, membership, stubApi } from './fixtures';

describe('the header availability switch', () => {
  it('shows my availability and sets it with one click', async () => {
    const me = membership(ALL, { availability: 'online' });
    const calls = stubApi({ [`PUT /v1/tenants/${me.tenantId}/users/${me.id}/availability`]: { availability: 'away' } });
    inConsole(<AvailabilityToggle />, me);
    const toggle = screen.getByRole('switch', { name: 'Online' });
    expect((toggle as HTMLInputElement).checked).toBe(true);
    await userEvent.click(toggle);
    await waitFor(() => expect(calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ availability: 'away' });
    expect((screen.getByRole('switch', { name: 'Away' }) as HTMLInputElement).checked).toBe(false);
  });

  it('goes back and says why when the API refuses', async () => {
    const me = membership(ALL, { availability: 'away' });
    stubApi({});
    inConsole(<AvailabilityToggle />, me);
    await userEvent.click(screen.getByRole('switch', { name: 'Away' }));
    await screen.findByRole('alert');
    expect((screen.getByRole('switch', { name: 'Away' }) as HTMLInputElement).checked).toBe(false);
  });
});
