/**
 * Webhooks (integrations:manage): the tenant's endpoints with their event
 * types and state in words; adding one (its signing secret shown once, with
 * Copy); per endpoint a test event, a secret rotation (the new secret shown
 * once; the old one keeps signing for 24 hours), enable/disable, delete, and
 * its recent deliveries — each with its outcome in words and Retry.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import {
  type Delivery,
  useCreateWebhook,
  useDeleteWebhook,
  useDeliveries,
  useRetryDelivery,
  useRotateSecret,
  useSendTest,
  useUpdateWebhook,
  useWebhooks,
  type Webhook,
} from '../../data/webhooks';
import { ConfirmDialog, ErrorText } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { when } from '../../ui/format';
import { AUDIT_ACTIONS } from '../audit/actions';

/** The event types an endpoint may subscribe to: the audit actions, in words. */
const EVENT_TYPES = Object.entries(AUDIT_ACTIONS);

export function eventsInWords(events: readonly string[]): string {
  if (events.includes('*')) return 'All events';
  return events.map((e) => AUDIT_ACTIONS[e] ?? e).join(', ');
}

export function endpointState(w: Webhook): string {
  if (!w.enabled) return `Disabled${w.disabledReason ? `: ${w.disabledReason}` : ''}`;
  if (w.failingSince) return `Failing since ${when(w.failingSince)}`;
  return 'Active';
}

export function deliveryInWords(d: Delivery): string {
  const code = d.responseStatus === null ? '' : ` (HTTP ${d.responseStatus})`;
  if (d.status === 'succeeded') return `Delivered${code}`;
  const why = d.error ? `: ${d.error}` : '';
  if (d.status === 'failed') return `Failed after ${d.attempt} attempt${d.attempt === 1 ? '' : 's'}${why}`;
  if (d.attempt === 0) return 'Waiting to be sent';
  return `Retrying at ${when(d.nextAttemptAt)} (attempt ${d.attempt} failed${why})`;
}

export function WebhooksPanel({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const list = useWebhooks(tenantId);
  const [secret, setSecret] = useState<{ url: string; secret: string }>();
  return (
    <section className="panel" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="hint">
        Roster sends each event you choose to your endpoint as a signed HTTPS request (Standard Webhooks), and retries
        for about a day when it fails.
      </p>
      {secret ? <SecretOnce {...secret} onClose={() => setSecret(undefined)} /> : null}
      {list.error ? <ErrorText>{describe(list.error)}</ErrorText> : null}
      {list.data && list.data.items.length === 0 ? <p>No endpoints yet.</p> : null}
      {list.data?.items.map((w) => (
        <Endpoint key={w.id} tenantId={tenantId} webhook={w} onDone={onDone} onSecret={setSecret} />
      ))}
      <CreateEndpoint tenantId={tenantId} onCreated={setSecret} onDone={onDone} />
    </section>
  );
}

function SecretOnce({ url, secret, onClose }: { url: string; secret: string; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="notice" aria-label="Signing secret">
      <p>The signing secret of {url}. Copy it now: it is not shown again.</p>
      <p>
        <code>{secret}</code>
      </p>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
    </section>
  );
}

function CreateEndpoint({
  tenantId,
  onCreated,
  onDone,
}: {
  tenantId: string;
  onCreated: (s: { url: string; secret: string }) => void;
  onDone: (s: string) => void;
}) {
  const create = useCreateWebhook(tenantId);
  const [all, setAll] = useState(true);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const url = String(data.get('url') ?? '').trim();
    const events = all ? ['*'] : data.getAll('events').map(String);
    create.mutate(
      { url, events },
      {
        onSuccess: (w) => {
          onCreated({ url: w.url, secret: w.secret });
          onDone(`Events now go to ${w.url}.`);
          form.reset();
          setAll(true);
        },
      },
    );
  }
  return (
    <form onSubmit={submit} className="narrow" aria-label="Add an endpoint">
      <h3>Add an endpoint</h3>
      <TextField label="Endpoint URL" name="url" type="url" required maxLength={2048} placeholder="https://" />
      <label className="checkbox">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All events
      </label>
      {all ? null : (
        <label>
          Event types
          <select name="events" multiple required size={8}>
            {EVENT_TYPES.map(([type, label]) => (
              <option key={type} value={type}>
                {label} ({type})
              </option>
            ))}
          </select>
        </label>
      )}
      {create.error ? <ErrorText>{describe(create.error)}</ErrorText> : null}
      <button type="submit" className="primary" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add endpoint'}
      </button>
    </form>
  );
}

function Endpoint({
  tenantId,
  webhook,
  onDone,
  onSecret,
}: {
  tenantId: string;
  webhook: Webhook;
  onDone: (s: string) => void;
  onSecret: (s: { url: string; secret: string }) => void;
}) {
  const [open, setOpen] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const test = useSendTest(tenantId);
  const rotate = useRotateSecret(tenantId);
  const update = useUpdateWebhook(tenantId);
  const remove = useDeleteWebhook(tenantId);
  const error = test.error ?? rotate.error ?? update.error;
  return (
    <article className="endpoint" aria-label={webhook.url}>
      <h3>{webhook.url}</h3>
      <p>
        {endpointState(webhook)} · {eventsInWords(webhook.events)}
      </p>
      <div className="actions">
        <button
          type="button"
          disabled={!webhook.enabled || test.isPending}
          onClick={() =>
            test.mutate(webhook.id, {
              onSuccess: (d) => {
                onDone(`Test event: ${deliveryInWords(d)}.`);
                setOpen(true);
              },
            })
          }
        >
          Send test event
        </button>
        <button
          type="button"
          disabled={rotate.isPending}
          onClick={() =>
            rotate.mutate(webhook.id, {
              onSuccess: (w) => {
                onSecret({ url: w.url, secret: w.secret });
                onDone('New signing secret made; the old one also signs for 24 hours.');
              },
            })
          }
        >
          Rotate secret
        </button>
        <button
          type="button"
          disabled={update.isPending}
          onClick={() =>
            update.mutate(
              { webhookId: webhook.id, enabled: !webhook.enabled },
              { onSuccess: (w) => onDone(w.enabled ? `${w.url} is enabled.` : `${w.url} is disabled.`) },
            )
          }
        >
          {webhook.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide deliveries' : 'Deliveries'}
        </button>
        <button type="button" className="danger" onClick={() => setDeleting(true)}>
          Delete…
        </button>
      </div>
      {error ? <ErrorText>{describe(error)}</ErrorText> : null}
      {open ? <Deliveries tenantId={tenantId} webhookId={webhook.id} onDone={onDone} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete ${webhook.url}?`}
          confirmLabel="Delete endpoint"
          pending={remove.isPending}
          error={remove.error ? describe(remove.error) : undefined}
          onClose={() => setDeleting(false)}
          onConfirm={() =>
            remove.mutate(webhook.id, {
              onSuccess: () => {
                setDeleting(false);
                onDone(`${webhook.url} no longer receives events.`);
              },
            })
          }
        >
          <p>No more events are sent to it, and its delivery history goes with it.</p>
        </ConfirmDialog>
      ) : null}
    </article>
  );
}

function Deliveries({
  tenantId,
  webhookId,
  onDone,
}: {
  tenantId: string;
  webhookId: string;
  onDone: (s: string) => void;
}) {
  const deliveries = useDeliveries(tenantId, webhookId);
  const retry = useRetryDelivery(tenantId);
  if (deliveries.error) return <ErrorText>{describe(deliveries.error)}</ErrorText>;
  if (!deliveries.data) return <p>Loading deliveries…</p>;
  if (deliveries.data.items.length === 0) return <p>No deliveries in the last 30 days.</p>;
  return (
    <table aria-label="Deliveries">
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">When</th>
          <th scope="col">Outcome</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.items.map((d) => (
          <tr key={d.id}>
            <td>{AUDIT_ACTIONS[d.eventType] ?? (d.eventType === 'roster.test' ? 'Test event' : d.eventType)}</td>
            <td>{when(d.lastAttemptAt ?? d.createdAt)}</td>
            <td>{deliveryInWords(d)}</td>
            <td>
              <button
                type="button"
                disabled={retry.isPending}
                aria-label={`Retry delivery ${d.id}`}
                onClick={() =>
                  retry.mutate(
                    { webhookId, deliveryId: d.id },
                    { onSuccess: (done) => onDone(`Sent again: ${deliveryInWords(done)}.`) },
                  )
                }
              >
                Retry
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
