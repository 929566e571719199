import { useEffect, useMemo, useRef, useState } from 'preact/hooks';

import { ApiError, getEstimate, requestUpdate } from '../api/client';
import { APPROVED_HOW, type Decision, type EstimateView, type Selection, type TenantProfile, type VersionChanges, type VersionView } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { Status } from '../components/Status';
import { date, dateTime, money, percent } from '../lib/format';
import { choose, lineAmount, totals } from '../lib/totals';
import { DocumentList, Gallery } from '../components/Files';
import { useLoad } from '../lib/useLoad';
import { Lines } from '../components/Lines';
import { Decide, type Mode } from './Decide';
import { DepositButton } from './Pay';

function initialSelection(v: VersionView): Selection {
  return v.decision?.kind === 'approved' ? v.decision.selection : v.recommended;
}

export function EstimatePage({ id, tenant }: { id: string; tenant: TenantProfile | null }) {
  const { data, error, retry, set } = useLoad(() => getEstimate(id), [id]);
  const [shown, setShown] = useState<number | null>(null);
  const [selection, setSelection] = useState<Selection>({});
  const [mode, setMode] = useState<Mode | null>(null);
  const [lineComments, setLineComments] = useState<Record<string, string>>({});
  const [outcome, setOutcome] = useState<Decision['kind'] | null>(null);
  const outcomeRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (data?.versions[0]) setSelection(initialSelection(data.versions[0]));
  }, [data?.id, data?.current_version]);
  useEffect(() => outcomeRef.current?.focus(), [outcome]);

  if (error !== null && !data) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading label="Loading your estimate…" />;

  const version = data.versions.find((v) => v.number === (shown ?? data.current_version)) ?? data.versions[0];
  if (!version) return <Notice error={new Error('This estimate has no version to show.')} />;
  const isCurrent = version.number === data.current_version;
  const deciding = data.can_decide && isCurrent;

  const decided = (view: EstimateView, kind: Decision['kind']) => {
    // A decision answers with the estimate alone: its files stay as loaded.
    set({ ...view, files: data.files });
    setMode(null);
    setOutcome(kind);
  };

  return (
    <article class="estimate">
      <header class="estimate-head">
        <p class="muted">
          Estimate {data.number}
          {data.versions.length > 1 && <> · version {version.number}</>}
        </p>
        <h1>{version.content.title}</h1>
        <p class="row">
          <Status status={isCurrent ? data.status : 'void'} />
          {(data.status === 'sent' || data.status === 'viewed') && <span>Valid until {date(data.valid_until)}</span>}
          <button type="button" class="button link no-print" onClick={() => window.print()}>
            Print
          </button>
        </p>
      </header>

      {outcome && <Outcome kind={outcome} view={data} tenant={tenant} headingRef={outcomeRef} />}

      {data.versions.length > 1 && (
        <div class="versions no-print">
          <label for="version">Version</label>
          <select id="version" value={version.number} onChange={(e) => setShown(Number((e.target as HTMLSelectElement).value))}>
            {data.versions.map((v) => (
              <option key={v.number} value={v.number}>
                Version {v.number}
                {v.number === data.current_version ? ' (current)' : ''}
                {v.sent_at ? `, sent ${dateTime(v.sent_at)}` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      {!isCurrent && <p class="notice">This is an earlier version. Version {data.current_version} replaces it.</p>}
      {version.note && <p class="notice">{version.note}</p>}
      {version.changes && <Changes changes={version.changes} currency={data.currency} />}

      {version.content.scope && (
        <section aria-labelledby="scope-title">
          <h2 id="scope-title">Scope of work</h2>
          <p class="prose">{version.content.scope}</p>
        </section>
      )}

      {data.files.length > 0 && (
        <section aria-labelledby="estimate-files">
          <h2 id="estimate-files">Photos and documents</h2>
          <Gallery photos={data.files} />
          <DocumentList files={data.files} />
        </section>
      )}

      {version.content.items.length > 0 && (
        <section aria-labelledby="items-title">
          <h2 id="items-title">Included</h2>
          <Lines
            items={version.content.items}
            currency={data.currency}
            comments={mode === 'changes' ? lineComments : null}
            onComment={(item, text) => setLineComments({ ...lineComments, [item]: text })}
          />
        </section>
      )}

      {version.content.groups.map((g) => (
        <fieldset class="group" key={g.id} disabled={!deciding}>
          <legend>
            <h2>{g.name}</h2>
            <span class="muted">{g.kind === 'one_of' ? 'Choose one' : 'Optional: choose any'}</span>
          </legend>
          {g.options.map((o) => {
            const chosen = (selection[g.id] ?? []).includes(o.id);
            const price = o.items.reduce((s, i) => s + lineAmount(i), 0);
            return (
              <div class={`option${chosen ? ' chosen' : ''}`} key={o.id}>
                <label class="option-label">
                  <input
                    type={g.kind === 'one_of' ? 'radio' : 'checkbox'}
                    name={g.id}
                    checked={chosen}
                    onChange={() => setSelection(choose(version.content, selection, g.id, o.id))}
                  />
                  <span class="option-name">
                    {o.name}
                    {o.recommended && <span class="tag">Recommended</span>}
                  </span>
                  <span class="option-price">{money(price, data.currency)}</span>
                </label>
                {o.description && <p class="muted option-description">{o.description}</p>}
                {(o.items.length > 1 || mode === 'changes') && (
                  <Lines
                    items={o.items}
                    currency={data.currency}
                    comments={mode === 'changes' ? lineComments : null}
                    onComment={(item, text) => setLineComments({ ...lineComments, [item]: text })}
                  />
                )}
              </div>
            );
          })}
        </fieldset>
      ))}

      <TotalsBox version={version} selection={selection} currency={data.currency} />

      {version.content.terms && (
        <section aria-labelledby="terms-title">
          <h2 id="terms-title">Terms</h2>
          <p class="prose">{version.content.terms}</p>
        </section>
      )}

      {version.decision && (
        <DecisionSummary decision={version.decision} currency={data.currency} estimate={data.id} depositPaid={data.deposit_paid} depositAbove={outcome === 'approved'} />
      )}

      {deciding && mode === null && (
        <DecisionBar
          total={totals(version.content, selection).total}
          currency={data.currency}
          onApprove={() => {
            setMode('approve');
            requestAnimationFrame(() => document.getElementById('signer')?.focus());
          }}
          onMore={() => document.getElementById('decide-title')?.scrollIntoView({ behavior: 'smooth', block: 'start' })}
        />
      )}

      {deciding && (
        <Decide
          estimate={data}
          version={version}
          selection={selection}
          mode={mode}
          setMode={setMode}
          lineComments={lineComments}
          onDone={decided}
          onStale={retry}
        />
      )}
      {isCurrent && data.status === 'expired' && <Expired view={data} tenant={tenant} onAsked={(v) => set({ ...v, files: data.files })} />}
      {error instanceof ApiError && data && <Notice error={error} onRetry={retry} />}
    </article>
  );
}

/** Stays at the bottom of the screen while the customer reads: the live total and the way to decide. */
function DecisionBar({ total, currency, onApprove, onMore }: { total: number; currency: string; onApprove: () => void; onMore: () => void }) {
  return (
    <div class="decision-bar no-print" role="region" aria-label="Decide on this estimate">
      <p class="decision-total">
        <span class="muted">Total</span> <strong data-testid="bar-total">{money(total, currency)}</strong>
      </p>
      <button type="button" class="button secondary" onClick={onMore}>
        Other choices
      </button>
      <button type="button" class="button primary" onClick={onApprove}>
        Approve now
      </button>
    </div>
  );
}

/** An expired estimate is no dead end: ask the office for an updated one. */
function Expired({ view, tenant, onAsked }: { view: EstimateView; tenant: TenantProfile | null; onAsked: (v: EstimateView) => void }) {
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const office = tenant?.name ?? 'The office';
  if (view.update_requested_at) {
    return (
      <section class="card" aria-labelledby="update-title">
        <h2 id="update-title" tabIndex={-1} ref={(h) => h?.focus()}>
          You asked for an updated estimate
        </h2>
        <p role="status">
          {office} knows (you asked {dateTime(view.update_requested_at)}). They will send you an updated estimate to review.
        </p>
      </section>
    );
  }
  if (!view.can_request_update) return <p class="notice">This estimate expired on {date(view.valid_until)}. Contact {office} for an updated one.</p>;
  const ask = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onAsked(await requestUpdate(view.id, message.trim()));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card" onSubmit={ask} aria-labelledby="expired-title">
      <h2 id="expired-title">This estimate expired on {date(view.valid_until)}</h2>
      <p>Prices and availability may have changed. Ask {office} for an updated estimate; you will get it by email to review and approve.</p>
      <label for="update-message">Anything they should know? (optional)</label>
      <textarea id="update-message" rows={2} maxLength={2000} value={message} onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)} />
      {error !== null && <Notice error={error} />}
      <button type="submit" class="button primary wide" disabled={busy}>
        {busy ? 'Sending…' : 'Ask for an updated estimate'}
      </button>
    </form>
  );
}

function TotalsBox({ version, selection, currency }: { version: VersionView; selection: Selection; currency: string }) {
  const t = useMemo(() => totals(version.content, selection), [version, selection]);
  const deposit = version.content.deposit;
  return (
    <section class="totals" aria-labelledby="totals-title">
      <h2 id="totals-title" class="visually-hidden">
        Totals
      </h2>
      <dl aria-live="polite">
        <div>
          <dt>Subtotal</dt>
          <dd>{money(t.subtotal, currency)}</dd>
        </div>
        <div>
          <dt>Tax ({percent(version.content.tax_rate)} on taxable items)</dt>
          <dd>{money(t.tax, currency)}</dd>
        </div>
        <div class="total">
          <dt>Total</dt>
          <dd data-testid="total">{money(t.total, currency)}</dd>
        </div>
        {deposit && (
          <div class="deposit">
            <dt>Deposit due on approval{deposit.kind === 'percent' ? ` (${percent(deposit.percent)})` : ''}</dt>
            <dd data-testid="deposit">{money(t.deposit, currency)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function Changes({ changes, currency }: { changes: VersionChanges; currency: string }) {
  const other = [
    changes.scope_changed && 'the scope of work',
    changes.terms_changed && 'the terms',
    changes.tax_rate_changed && 'the tax rate',
    changes.deposit_changed && 'the deposit',
    changes.valid_until_changed && 'the validity date',
  ].filter(Boolean);
  return (
    <section class="card changes" aria-labelledby="changes-title">
      <h2 id="changes-title">What changed since version {changes.from_version}</h2>
      <ul>
        {changes.added.map((c) => (
          <li key={`a${c.item}`}>
            Added {c.name}
            {c.option && ` (${c.option})`}: {money(c.amount_after ?? 0, currency)}
          </li>
        ))}
        {changes.removed.map((c) => (
          <li key={`r${c.item}`}>
            Removed {c.name}
            {c.option && ` (${c.option})`}: was {money(c.amount_before ?? 0, currency)}
          </li>
        ))}
        {changes.changed.map((c) => (
          <li key={`c${c.item}`}>
            Changed {c.name} ({c.fields.join(', ').replace('unit_price', 'price')}): {money(c.amount_before ?? 0, currency)} →{' '}
            {money(c.amount_after ?? 0, currency)}
          </li>
        ))}
        {other.length > 0 && <li>Also changed: {other.join(', ')}</li>}
      </ul>
      <p>
        Total with the recommended options: {money(changes.total_before, currency)} → <strong>{money(changes.total_after, currency)}</strong>
      </p>
    </section>
  );
}

/** `depositAbove`: the deposit button already sits under the success message. */
function DecisionSummary({
  decision,
  currency,
  estimate,
  depositPaid,
  depositAbove = false,
}: {
  decision: Decision;
  currency: string;
  estimate: string;
  depositPaid: number;
  depositAbove?: boolean;
}) {
  if (decision.kind === 'approved') {
    const depositDue = decision.totals.deposit - depositPaid;
    return (
      <section class="card decision" aria-labelledby="decision-title">
        <h2 id="decision-title">Approved</h2>
        {decision.offline ? (
          <p>
            Approved by {decision.signer_name} {APPROVED_HOW[decision.offline.how]} on {dateTime(decision.at)} for {money(decision.totals.total, currency)}, as recorded by{' '}
            {decision.offline.recorded_by}.
          </p>
        ) : (
          <p>
            Signed by {decision.signer_name} on {dateTime(decision.at)} for {money(decision.totals.total, currency)}.
          </p>
        )}
        {decision.signature_png && <img class="signature-image" src={decision.signature_png} alt={`Signature of ${decision.signer_name}`} />}
        {decision.totals.deposit > 0 &&
          !depositAbove &&
          (depositDue > 0 ? (
            <DepositButton estimate={estimate} amount={depositDue} currency={currency} />
          ) : (
            <p data-testid="deposit-paid">Deposit of {money(decision.totals.deposit, currency)} received. It is credited on your invoice.</p>
          ))}
      </section>
    );
  }
  if (decision.kind === 'declined') {
    return (
      <section class="card decision" aria-labelledby="decision-title">
        <h2 id="decision-title">Declined</h2>
        <p>
          On {dateTime(decision.at)}: “{decision.reason}”
        </p>
      </section>
    );
  }
  return (
    <section class="card decision" aria-labelledby="decision-title">
      <h2 id="decision-title">Changes requested</h2>
      <p>On {dateTime(decision.at)}.</p>
      {decision.comment && <p>“{decision.comment}”</p>}
    </section>
  );
}

function Outcome({ kind, view, tenant, headingRef }: { kind: Decision['kind']; view: EstimateView; tenant: TenantProfile | null; headingRef: preact.RefObject<HTMLHeadingElement> }) {
  const who = tenant?.name ?? 'The office';
  const decision = view.versions[0]?.decision;
  return (
    <section class="notice notice-success outcome" aria-labelledby="outcome-title">
      <h2 id="outcome-title" ref={headingRef} tabIndex={-1}>
        {kind === 'approved' ? 'Approved. Thank you!' : kind === 'declined' ? 'Estimate declined' : 'Your request was sent'}
      </h2>
      {kind === 'approved' && (
        <p>
          {who} has your signed approval and will contact you to schedule the work.
          {decision?.kind === 'approved' && decision.totals.deposit - view.deposit_paid > 0 && (
            <> A deposit of {money(decision.totals.deposit, view.currency)} is due before work starts.</>
          )}
        </p>
      )}
      {kind === 'approved' && decision?.kind === 'approved' && decision.totals.deposit - view.deposit_paid > 0 && (
        <DepositButton estimate={view.id} amount={decision.totals.deposit - view.deposit_paid} currency={view.currency} />
      )}
      {kind === 'declined' && <p>We have let {who} know. Thank you for considering them.</p>}
      {kind === 'changes_requested' && <p>{who} will review your comments and send you an updated estimate.</p>}
    </section>
  );
}
