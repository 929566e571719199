// Every photo of the account the customer sees, grouped by job (newest first), before and
// after side by side, each opening in the lightbox.
import { listPictures } from '../api/client';
import { Gallery } from '../components/Files';
import { Loading, Notice } from '../components/Notice';
import { useLoad } from '../lib/useLoad';

export function PicturesPage() {
  const { data, error, retry } = useLoad(listPictures, []);
  return (
    <>
      <h1>Pictures</h1>
      {error !== null && <Notice error={error} onRetry={retry} />}
      {!data && error === null && <Loading />}
      {data && data.groups.length === 0 && (
        <p class="muted">No photos yet. Photos from your visits, and the ones you add to a job, appear here.</p>
      )}
      {data?.groups.map((g) => (
        <section key={g.job?.id ?? 'other'} class="photo-group" aria-labelledby={`pics-${g.job?.id ?? 'other'}`}>
          <h2 id={`pics-${g.job?.id ?? 'other'}`}>
            {g.job ? (
              <a href={`/jobs/${g.job.id}`} data-route>
                {g.title}
              </a>
            ) : (
              g.title
            )}
          </h2>
          <p class="muted">
            {g.job?.number}
            {g.place && <> · {g.place}</>} · {g.photos.length} photo{g.photos.length === 1 ? '' : 's'}
          </p>
          <Gallery photos={g.photos} label={`Photos of ${g.title}`} />
        </section>
      ))}
    </>
  );
}
