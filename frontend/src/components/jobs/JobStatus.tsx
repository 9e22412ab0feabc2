import { Badge, type BadgeTone } from '@/components/ui';
import { isJobActive, JOB_STATUS_LABELS } from '@/lib/jobResults';
import type { JobStatus as Status } from '@/types/jobs';

const TONES: Record<Status, BadgeTone> = {
  pending: 'neutral',
  running: 'info',
  complete: 'success',
  failed: 'danger',
  cancelled: 'neutral',
};

/** A job's state, with a progress bar while it works. */
export function JobStatus({ status, progress, label }: { status: Status; progress: number; label: string }) {
  return (
    <div className="flex min-w-28 flex-col gap-1">
      <Badge tone={TONES[status]} dot className="self-start">
        {JOB_STATUS_LABELS[status]}
      </Badge>
      {isJobActive(status) && (
        <div
          role="progressbar"
          aria-label={`Progress of ${label}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={progress}
          className="h-1.5 w-full overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full rounded-full bg-sky-600 transition-[width]" style={{ width: `${Math.max(3, progress)}%` }} />
        </div>
      )}
    </div>
  );
}
