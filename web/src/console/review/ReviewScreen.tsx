/**
 * The access review (audit:view): everyone's role, role template, effective
 * permissions, extra grants and when they end, CRM access, teams, status,
 * last sign-in and since when they have been inactive — paged, the cursor in
 * the URL — and "Download CSV", the whole review as the API writes it, to keep.
 */
import { useId, useState } from 'react';
import { describe } from '../../api/problem';
import { fetchReviewCsv, saveFile, useAccessReview } from '../../data/review';
import { useTeams } from '../../data/teams';
import { useLocation } from '../../router';
import { ErrorText } from '../../ui/Dialog';
import { when } from '../../ui/format';
import { Pager } from '../../ui/Pager';
import { useConsole } from '../context';
import { ReviewTable } from './ReviewTable';

export function ReviewScreen() {
  const { tenantId, can } = useConsole();
  const { query } = useLocation();
  const cursor = query.get('cursor') || undefined;
  const review = useAccessReview(tenantId, cursor);
  const teams = useTeams(tenantId, can('teams:view'));
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const [downloading, setDownloading] = useState(false);
  const hintId = useId();
  const teamList = teams.data?.items ?? [];
  const teamName = (id: string) => teamList.find((t) => t.id === id)?.name ?? id;

  async function download() {
    setStatus(undefined);
    setError(undefined);
    setDownloading(true);
    try {
      const { filename, csv } = await fetchReviewCsv(tenantId);
      saveFile(filename, csv, 'text/csv');
      setStatus(`Downloaded ${filename}.`);
    } catch (e) {
      setError(`The file could not be downloaded: ${describe(e)}`);
    } finally {
      setDownloading(false);
    }
  }

  return (
    <section aria-labelledby="review-title">
      <div className="screen-head">
        <h1 id="review-title">Access review</h1>
        <div className="head-actions">
          <button
            type="button"
            className="primary"
            onClick={() => void download()}
            disabled={downloading}
            aria-describedby={hintId}
          >
            {downloading ? 'Downloading…' : 'Download CSV'}
          </button>
        </div>
      </div>
      <p id={hintId}>
        Who can do what, as of {review.data ? when(review.data.generatedAt) : 'now'}. Review it regularly and remove
        access people no longer need. The CSV file holds everyone, every page, to keep with your records.
      </p>
      <p role="status" className="status-line">
        {status}
      </p>
      {error ? <ErrorText>{error}</ErrorText> : null}
      {review.error ? <ErrorText>{describe(review.error)}</ErrorText> : null}
      {review.data ? (
        <ReviewTable rows={review.data.items} teamName={teamName} busy={review.isFetching} />
      ) : review.isPending ? (
        <p role="status">Loading the review…</p>
      ) : null}
      <Pager label="Pages of the access review" query={{}} cursor={cursor} nextCursor={review.data?.nextCursor} />
    </section>
  );
}
