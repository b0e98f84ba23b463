/** Issue 18 item 6: a suspended person is told they are suspended in that organisation, and who can lift it. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TenantPicker } from '../../web/src/console/TenantPicker';
import { stubApi } from './fixtures';

describe('the organisation picker of a person with no open membership', () => {
  it('says they are suspended in Acme and that its administrators can lift it', async () => {
    stubApi({
      'GET /v1/me': {
        id: 'u1',
        email: 'ann@acme.test',
        memberships: [{ tenant: { id: 't1', name: 'Acme' }, role: 'agent', status: 'suspended', owner: false }],
      },
    });
    render(
      <QueryClientProvider client={new QueryClient()}>
        <TenantPicker />
      </QueryClientProvider>,
    );
    const text = (await screen.findByText(/suspended in Acme/)).textContent ?? '';
    expect(text).toMatch(/^You are suspended in Acme/);
    expect(text).toMatch(/An administrator of Acme .* can lift the suspension/);
    expect(screen.queryByText(/Ask an administrator to invite you/)).toBeNull();
  });
});
