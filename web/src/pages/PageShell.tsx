/** The frame of the hosted pages: Roster's name, one heading, one card. */
import type { ReactNode } from 'react';

export function PageShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="page">
      <header className="page-brand">
        <span className="brand-mark" aria-hidden="true">
          R
        </span>
        <span>Roster</span>
      </header>
      <main className="card" id="main">
        <h1>{title}</h1>
        {children}
      </main>
    </div>
  );
}
