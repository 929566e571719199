import type { EstimateStatus } from '../api/types';
import { STATUS_LABELS } from '../lib/format';

export function Status({ status }: { status: EstimateStatus }) {
  return <span class={`status status-${status}`}>{STATUS_LABELS[status]}</span>;
}
