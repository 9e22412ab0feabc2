import { useState } from 'react';
import { getErrorMessage } from '@/api/errors';
import { fetchResultFile } from '@/api/files';
import { DownloadIcon } from '@/components/icons';
import { Button } from '@/components/ui';
import { saveBlob } from '@/lib/download';
import type { JobFile } from '@/types/jobs';

interface DownloadFileButtonProps {
  file: Pick<JobFile, 'key' | 'name'>;
  /** Visible text; the accessible name always says which file. */
  children?: string;
  variant?: 'primary' | 'secondary';
}

/** Fetches a job's result file with the signed-in user's token and hands it to the browser's save dialog. */
export function DownloadFileButton({ file, children, variant = 'secondary' }: DownloadFileButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await fetchResultFile(file.key, file.name);
      saveBlob(result.blob, result.filename);
    } catch (err) {
      setError(getErrorMessage(err, 'The download failed.'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="inline-flex flex-col items-start gap-1">
      <Button
        size="sm"
        variant={variant}
        onClick={() => void download()}
        loading={busy}
        icon={<DownloadIcon className="size-4" />}
        aria-label={`Download ${file.name}`}
      >
        {children ?? file.name}
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
