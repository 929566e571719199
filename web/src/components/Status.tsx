import type { EstimateStatus } from '../api/types';
import { STATUS_LABELS } from '../lib/format';

/** An estimate's status in the customer's words, or in `labels` (the office's). */
export function Status({ status, labels = STATUS_LABELS }: { status: EstimateStatus; labels?: Record<EstimateStatus, string> }) {
  return <span class={`status status-${status}`}>{labels[status]}</span>;
}
