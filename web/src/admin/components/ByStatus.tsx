// A list across customers filtered by status, with tabs and paging.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

import { Loading, Notice } from '../../components/Notice';
import { useLoad } from '../../lib/useLoad';
import { Head } from './Head';
import { type Paged } from '../api';

/** Status tabs: one pressed at a time. */
export function Tabs({ options, value, onChange }: { options: readonly (readonly [string, string])[]; value: string; onChange: (v: string) => void }) {
  return (
    <div class="tabs" role="group" aria-label="Status">
      {options.map(([v, label]) => (
        <button key={v} type="button" class="button secondary" aria-pressed={value === v} onClick={() => onChange(v)}>
          {label}
        </button>
      ))}
    </div>
  );
}

/** One page of documents by status: tabs, then a table (or why there is none). */
export function ByStatus<T extends { id: string }>(props: {
  title: string;
  statuses: readonly (readonly [string, string])[];
  load: (status: string) => Promise<Paged<T>>;
  cols: string[];
  row: (item: T) => ComponentChildren;
}) {
  const [status, setStatus] = useState(props.statuses[0]?.[0] ?? '');
  const { data, error, retry } = useLoad(() => props.load(status), [status]);
  return (
    <>
      <h1>{props.title}</h1>
      <Tabs options={props.statuses} value={status} onChange={setStatus} />
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.items.length === 0 && <p class="muted">None.</p>}
      {data && data.items.length > 0 && (
        <table class="table">
          <Head cols={props.cols} />
          <tbody>
            {data.items.map((item) => (
              <tr key={item.id}>{props.row(item)}</tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
