/**
 * The box a wide table scrolls sideways in (on a phone). It is a named region
 * reachable by keyboard, so a person without a pointer can scroll it too
 * (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
import type { ReactNode } from 'react';

export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take focus to be scrolled by keyboard
    <section className="table-wrap" aria-label={`${label}, scrollable`} tabIndex={0}>
      {children}
    </section>
  );
}
