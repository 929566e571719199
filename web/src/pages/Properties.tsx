// The customer's properties with what happened there: past and open jobs (with the technician
// and what was done), equipment and warranties, agreements, estimates and invoices. A
// commercial account with several properties gets a filter.
import { useState } from 'preact/hooks';

import { listProperties, session, uploadSlot, uploadStatus } from '../api/client';
import type { AgreementView, DocKind, PropertyHistory } from '../api/types';
import { EquipmentCard } from '../components/Equipment';
import { DOC_KINDS, DocumentList, Uploader } from '../components/Files';
import { Loading, Notice } from '../components/Notice';
import { date, money } from '../lib/format';
import { useLoad } from '../lib/useLoad';
import { JobCard } from './Jobs';

function Agreement({ a }: { a: AgreementView }) {
  return (
    <li class="card">
      <div class="row">
        <strong>{a.name}</strong>
        <span class={`status agreement-${a.status_today}`}>{a.status_today === 'active' ? 'Active' : a.status_today === 'expired' ? 'Expired' : 'Cancelled'}</span>
      </div>
      {a.covers && <p class="prose">{a.covers}</p>}
      <p class="muted">
        {a.visits_per_year} visit{a.visits_per_year === 1 ? '' : 's'} a year ({a.visits_done} done) · renews {date(a.renews_on)}
      </p>
    </li>
  );
}

function Place({ p }: { p: PropertyHistory }) {
  const addr = [p.property.line1, p.property.line2, p.property.city].filter(Boolean).join(', ');
  return (
    <section class="property" aria-labelledby={`prop-${p.property.id}`}>
      <h2 id={`prop-${p.property.id}`}>{p.property.label}</h2>
      <p class="muted">
        {addr}, {p.property.region} {p.property.postal_code}
      </p>
      {p.agreements.length > 0 && (
        <>
          <h3>Service plan</h3>
          <ul class="cards">
            {p.agreements.map((a) => (
              <Agreement key={a.id} a={a} />
            ))}
          </ul>
        </>
      )}
      <h3>Equipment</h3>
      {p.equipment.length === 0 ? (
        <p class="muted">Nothing on record yet.</p>
      ) : (
        <ul class="cards" data-testid="equipment">
          {p.equipment.map((e) => (
            <EquipmentCard key={e.id} e={e} />
          ))}
        </ul>
      )}
      <h3>Permits, warranties and manuals</h3>
      {p.documents.length === 0 ? <p class="muted">No documents yet.</p> : <DocumentList files={p.documents.slice(0, 3)} />}
      <p>
        <a href={`/properties/${p.property.id}/documents`} data-route>
          {p.documents.length > 3 ? `All ${p.documents.length} documents` : 'Documents'}
        </a>
      </p>
      <h3>Service history</h3>
      {p.jobs.length === 0 ? (
        <p class="muted">No jobs here yet.</p>
      ) : (
        <ul class="cards">
          {p.jobs.map((j) => (
            <JobCard key={j.id} j={j} />
          ))}
        </ul>
      )}
      {(p.estimates.length > 0 || p.invoices.length > 0) && (
        <>
          <h3>Documents</h3>
          <ul class="links">
            {p.estimates.map((e) => (
              <li key={e.id}>
                <a href={`/estimates/${e.id}`} data-route>
                  Estimate {e.number}: {e.title}
                </a>
              </li>
            ))}
            {p.invoices.map((i) => (
              <li key={i.id}>
                <a href={`/invoices/${i.id}`} data-route>
                  Invoice {i.number}: {i.title}
                </a>{' '}
                · {money(i.total, i.currency)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function PropertiesPage() {
  const { data, error, retry } = useLoad(listProperties, []);
  const [only, setOnly] = useState('');
  const shown = data?.properties.filter((p) => !only || p.property.id === only) ?? [];
  return (
    <>
      <h1>{data && data.properties.length === 1 ? 'Your property' : 'Properties'}</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.properties.length > 1 && (
        <p>
          <label for="property-filter">Show</label>
          <select id="property-filter" value={only} onChange={(e) => setOnly((e.target as HTMLSelectElement).value)}>
            <option value="">All {data.properties.length} properties</option>
            {data.properties.map((p) => (
              <option key={p.property.id} value={p.property.id}>
                {p.property.label}
              </option>
            ))}
          </select>
        </p>
      )}
      {data && data.agreements.length > 0 && (
        <section aria-labelledby="account-plans">
          <h2 id="account-plans">Service plans</h2>
          <ul class="cards">
            {data.agreements.map((a) => (
              <Agreement key={a.id} a={a} />
            ))}
          </ul>
        </section>
      )}
      {shown.map((p) => (
        <Place key={p.property.id} p={p} />
      ))}
    </>
  );
}


/** One property's documents: every permit, warranty, manual and panel label, as downloads;
 *  the customer can add their own (a PDF). */
export function PropertyDocumentsPage({ id }: { id: string }) {
  const { data, error, retry, update } = useLoad(listProperties, []);
  const [kind, setKind] = useState<DocKind>('warranty');
  const readOnly = session()?.scope === 'portal:read';
  if (error !== null) return <Notice error={error} onRetry={retry} />;
  if (!data) return <Loading />;
  const p = data.properties.find((x) => x.property.id === id);
  if (!p) return <Notice error={new Error('This property is not one of yours.')} />;
  const added = (f: PropertyHistory['documents'][number]) =>
    update((d) => ({ ...d, properties: d.properties.map((x) => (x.property.id === id ? { ...x, documents: [f, ...x.documents] } : x)) }));
  return (
    <>
      <p>
        <a href="/properties" data-route>
          Properties
        </a>
      </p>
      <h1>Documents for {p.property.label}</h1>
      {p.documents.length === 0 ? (
        <p class="muted">No documents yet. Permits and warranties from your jobs appear here.</p>
      ) : (
        <DocumentList files={p.documents} />
      )}
      {!readOnly && (
        <section aria-labelledby="add-doc">
          <h2 id="add-doc">Add a document</h2>
          <p>
            <label for="doc-kind">What is it?</label>
            <select id="doc-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as DocKind)}>
              {DOC_KINDS.map(([k, l]) => (
                <option key={k} value={k}>
                  {l}
                </option>
              ))}
            </select>
          </p>
          <Uploader to={{ to: 'property', property: id }} kind="document" api={{ slot: uploadSlot, status: uploadStatus }} onAdded={added} extra={() => ({ doc_kind: kind })} />
        </section>
      )}
    </>
  );
}
