/** Back with a dialog open (issue 18 item 13): closes the dialog, never the screen, and never loses input. */
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { navigate, useLocation } from '../../web/src/router';
import { Dialog } from '../../web/src/ui/Dialog';

/** A screen at /b that shows a dialog with a field; any other path is another screen. */
function Screen({ onClose }: { onClose: () => void }) {
  const { path } = useLocation();
  if (path !== '/b') return <p>Another screen</p>;
  return (
    <Dialog title="Invite user" onClose={onClose}>
      <label>
        Email
        <input name="email" />
      </label>
    </Dialog>
  );
}

const popped = () =>
  new Promise<void>((resolve) => window.addEventListener('popstate', () => resolve(), { once: true }));

describe('Back with a dialog open', () => {
  it('keeps the dialog and what was typed in it, and says so', async () => {
    navigate('/a');
    navigate('/b');
    const onClose = vi.fn();
    render(<Screen onClose={onClose} />);
    await userEvent.type(screen.getByLabelText('Email'), 'ann@acme.test');
    const back = popped();
    act(() => history.back());
    await act(() => back);
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Your input is kept'));
    expect(location.pathname).toBe('/b');
    expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('ann@acme.test');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes an untouched dialog and stays on the screen', async () => {
    navigate('/a');
    navigate('/b');
    const onClose = vi.fn();
    render(<Screen onClose={onClose} />);
    const back = popped();
    act(() => history.back());
    await act(() => back);
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1));
    expect(location.pathname).toBe('/b');
    expect(screen.queryByText('Another screen')).toBeNull();
  });
});
