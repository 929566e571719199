// Rate us: the customer rates a completed job (1 to 5 stars, an optional comment, optionally
// about the technician) and may change it for 14 days. After rating, every customer is
// offered the business's public review pages, whatever the score: offering them only to
// happy customers is review gating (Google forbids it; the FTC's rule, 16 CFR 465, treats it
// as suppressing reviews). A low score reaches the office as a follow-up; the customer sees
// the same page either way.
import { useState } from 'preact/hooks';

import { documentPath, getRating, listRatings, rateJob, session } from '../api/client';
import type { RatingPage, ReviewLink, TenantProfile } from '../api/types';
import { Loading, Notice } from '../components/Notice';
import { Stars, starsText } from '../components/Stars';
import { date } from '../lib/format';
import { useLoad } from '../lib/useLoad';

const WORDS = ['', 'Poor', 'Not great', 'OK', 'Good', 'Excellent'];

/** The business's public review pages: offered to every rater, whatever the score. */
function PublicLinks({ links, business }: { links: ReviewLink[]; business: string }) {
  if (links.length === 0) return null;
  return (
    <section class="card" aria-labelledby="public-review">
      <h2 id="public-review">Would you share it publicly?</h2>
      <p>If you have a minute, a review on one of these helps other people find {business}. Write what you like: it is your review.</p>
      <div class="actions">
        {links.map((l) => (
          <a key={l.site} class="button secondary" href={l.url} target="_blank" rel="noopener noreferrer">
            Review on {l.site}
          </a>
        ))}
      </div>
    </section>
  );
}

export function RatePage({ job, tenant }: { job: string; tenant: TenantProfile | null }) {
  const { data, error, retry, set } = useLoad(() => getRating(job), [job]);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return <RateForm key={data.job} page={data} tenant={tenant} onSaved={set} />;
}

function RateForm({ page, tenant, onSaved }: { page: RatingPage; tenant: TenantProfile | null; onSaved: (p: RatingPage) => void }) {
  const r = page.rating;
  const [stars, setStars] = useState(r?.stars ?? 0);
  const [comment, setComment] = useState(r?.comment ?? '');
  const [about, setAbout] = useState(r?.technician?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [sendError, setSendError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [editing, setEditing] = useState(!r);
  const business = tenant?.name ?? 'the business';
  const submit = (e: Event) => {
    e.preventDefault();
    if (stars === 0) return;
    setBusy(true);
    setSendError(null);
    rateJob(page.job, { stars, comment: comment.trim() || null, technician: about || null })
      .then((p) => {
        setSaved(true);
        setEditing(false);
        onSaved(p);
      })
      .catch((err: unknown) => setSendError(err))
      .finally(() => setBusy(false));
  };
  const heading = (
    <>
      <h1>How did we do?</h1>
      <p>
        {page.title} ({page.number}){page.completed_at && <>, completed {date(page.completed_at.slice(0, 10))}</>}.
      </p>
    </>
  );
  if (r && !editing) {
    return (
      <div class="rate">
        {heading}
        <section class="card" aria-live="polite">
          {saved && <p class="ok">Thank you. Your rating went to {business}; only the business sees it.</p>}
          <p>
            Your rating: <Stars n={r.stars} /> {WORDS[r.stars]}
            {r.technician && <> · about {r.technician.name}</>}
          </p>
          {r.comment && <p class="quote">{r.comment}</p>}
          {r.editable ? (
            <>
              <p class="muted">You can change it until {date(r.editable_until.slice(0, 10))}.</p>
              <button type="button" class="button secondary" onClick={() => setEditing(true)}>
                Change my rating
              </button>
            </>
          ) : (
            <p class="muted">Ratings can be changed for 14 days. To tell the office more, write to them from the job's page.</p>
          )}
        </section>
        <PublicLinks links={tenant?.review_links ?? []} business={business} />
        {/* A review request's link opens this page only: the job is a sign-in away. */}
        <p>
          {documentPath(session()) ? (
            <a href="/signin" data-route>
              Sign in to see the job and your account
            </a>
          ) : (
            <a href={`/jobs/${page.job}`} data-route>
              See the job
            </a>
          )}
        </p>
      </div>
    );
  }
  return (
    <form class="rate" onSubmit={submit}>
      {heading}
      <fieldset class="star-picker">
        <legend>Tap a star</legend>
        <div role="radiogroup" aria-label="Stars">
          {[1, 2, 3, 4, 5].map((n) => (
            <button
              key={n}
              type="button"
              role="radio"
              aria-checked={stars === n}
              aria-label={`${starsText(n)}: ${WORDS[n]}`}
              class={`star${n <= stars ? ' on' : ''}`}
              onClick={() => setStars(n)}
            >
              ★
            </button>
          ))}
        </div>
        <p class="muted" aria-live="polite">
          {stars === 0 ? 'No stars picked yet.' : `${starsText(stars)}: ${WORDS[stars]}.`}
        </p>
      </fieldset>
      {page.technicians.length > 0 && (
        <fieldset>
          <legend>Is it about someone who came? (optional)</legend>
          <label class="check">
            <input type="radio" name="about" checked={about === ''} onChange={() => setAbout('')} /> The whole job
          </label>
          {page.technicians.map((t) => (
            <label key={t.id} class="check">
              <input type="radio" name="about" checked={about === t.id} onChange={() => setAbout(t.id)} /> {t.name}
            </label>
          ))}
        </fieldset>
      )}
      <label for="rate-comment">Anything to add? (optional)</label>
      <textarea id="rate-comment" rows={4} maxLength={2000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
      <p class="muted">Only {business} sees your rating and what you write.</p>
      {sendError !== null && <Notice error={sendError} />}
      <button type="submit" class="button primary wide" disabled={busy || stars === 0}>
        {busy ? 'Sending…' : r ? 'Save my rating' : 'Send my rating'}
      </button>
      {r && (
        <button type="button" class="button link" onClick={() => setEditing(false)}>
          Keep my rating as it is
        </button>
      )}
    </form>
  );
}

/** Every completed job, newest first: rate it, or see (and change) the rating given. */
export function RateListPage() {
  const { data, error, retry } = useLoad(listRatings, []);
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  return (
    <div>
      <h1>Rate us</h1>
      {data.jobs.length === 0 ? (
        <p>Once a job is completed, you can rate it here.</p>
      ) : (
        <ul class="cards">
          {data.jobs.map((j) => (
            <li key={j.job} class="card">
              <div class="row">
                <strong>{j.title}</strong>
                <span class="muted">{j.number}</span>
              </div>
              {j.completed_at && <p class="muted">Completed {date(j.completed_at.slice(0, 10))}</p>}
              {j.rating ? (
                <p>
                  <Stars n={j.rating.stars} />{' '}
                  <a href={`/rate/${j.job}`} data-route>
                    {j.rating.editable ? 'See or change your rating' : 'See your rating'}
                  </a>
                </p>
              ) : (
                <a class="button primary" href={`/rate/${j.job}`} data-route>
                  Rate this job
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
