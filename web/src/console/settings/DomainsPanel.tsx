/**
 * Verified domains (admins only, DESIGN §2a rule 14): add a domain, publish
 * the TXT record shown (with Copy buttons), verify, see the status in words —
 * a flagged domain's grace period included — and remove.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import {
  type Domain,
  domainStatusText,
  useAddDomain,
  useDomains,
  useRemoveDomain,
  useVerifyDomain,
} from '../../data/enterprise';
import { ConfirmDialog, ErrorText } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { when } from '../../ui/format';

export function DomainsPanel({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const domains = useDomains(tenantId);
  const add = useAddDomain(tenantId);
  const [value, setValue] = useState('');

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    add.mutate(value.trim(), {
      onSuccess: (d) => {
        setValue('');
        onDone(`${d.domain} added. Publish its TXT record, then verify it.`);
      },
    });
  }

  return (
    <section className="panel" aria-labelledby="domains-title">
      <h2 id="domains-title">Domains</h2>
      <p>
        Prove your organisation owns a domain by publishing a DNS TXT record. Verified domains let people with an
        address there join on their own (auto-join) and sign in with your identity provider.
      </p>
      {domains.error ? <ErrorText>{describe(domains.error)}</ErrorText> : null}
      {domains.data && domains.data.items.length === 0 ? <p>No domains yet.</p> : null}
      <ul className="domain-list">
        {domains.data?.items.map((d) => (
          <DomainItem key={d.domain} tenantId={tenantId} domain={d} onDone={onDone} />
        ))}
      </ul>
      <form onSubmit={submit} className="narrow">
        <TextField
          label="Domain"
          name="domain"
          required
          maxLength={253}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="acme.com"
          hint="Your organisation’s own domain: free email providers (gmail.com, …) and public suffixes are refused."
        />
        {add.error ? <ErrorText>{describe(add.error)}</ErrorText> : null}
        <button type="submit" className="primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add domain'}
        </button>
      </form>
    </section>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="link"
      aria-label={`Copy ${label}`}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

function DomainItem({
  tenantId,
  domain: d,
  onDone,
}: {
  tenantId: string;
  domain: Domain;
  onDone: (s: string) => void;
}) {
  const verify = useVerifyDomain(tenantId);
  const remove = useRemoveDomain(tenantId);
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="domain" aria-label={d.domain}>
      <h3>{d.domain}</h3>
      <p className={d.flaggedAt ? 'notice' : undefined}>{domainStatusText(d)}</p>
      <dl className="record">
        <dt>Type</dt>
        <dd>TXT</dd>
        <dt>Name</dt>
        <dd>
          <code>{d.verification.name}</code>{' '}
          <CopyButton text={d.verification.name} label={`the record name of ${d.domain}`} />
        </dd>
        <dt>Value</dt>
        <dd>
          <code>{d.verification.value}</code>{' '}
          <CopyButton text={d.verification.value} label={`the record value of ${d.domain}`} />
        </dd>
        <dt>Last checked</dt>
        <dd>{when(d.lastCheckedAt)}</dd>
      </dl>
      {verify.error ? <ErrorText>{describe(verify.error)}</ErrorText> : null}
      <div className="actions">
        <button
          type="button"
          disabled={verify.isPending}
          onClick={() =>
            verify.mutate(d.domain, {
              onSuccess: (next) =>
                onDone(
                  next.status === 'verified'
                    ? `${d.domain} is verified.`
                    : `The record for ${d.domain} was not found yet. DNS changes can take a while; try again later.`,
                ),
            })
          }
        >
          {verify.isPending ? 'Checking…' : `Verify ${d.domain}`}
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove {d.domain}…
        </button>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={`Remove ${d.domain}?`}
          confirmLabel="Remove domain"
          pending={remove.isPending}
          error={remove.error ? describe(remove.error) : undefined}
          onClose={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(d.domain, {
              onSuccess: () => {
                setConfirming(false);
                onDone(`${d.domain} removed.`);
              },
            })
          }
        >
          <p>
            People at {d.domain} can no longer join on their own or be provisioned by single sign-on. Members who
            already joined stay.
          </p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}
