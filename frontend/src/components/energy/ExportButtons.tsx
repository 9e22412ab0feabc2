import { useState } from 'react';
import { exportEnergyAnalysis } from '@/api/energy';
import { getErrorMessage } from '@/api/errors';
import { DownloadIcon } from '@/components/icons';
import { Button } from '@/components/ui';
import { saveBlob } from '@/lib/download';
import type { EnergyAnalysisParams } from '@/types/energy';

/** The page's figures as the server writes them: CSV per bucket, or an Excel workbook with every table. */
export function ExportButtons({ params }: { params: EnergyAnalysisParams | null }) {
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: 'csv' | 'xlsx') => {
    if (!params) return;
    setBusy(format);
    setError(null);
    try {
      const file = await exportEnergyAnalysis(params, format);
      saveBlob(file.blob, file.filename);
    } catch (err) {
      setError(getErrorMessage(err, 'The export failed.'));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex gap-2">
        {(['csv', 'xlsx'] as const).map((format) => (
          <Button
            key={format}
            size="sm"
            variant="secondary"
            icon={<DownloadIcon className="size-4" />}
            loading={busy === format}
            disabled={!params || (busy !== null && busy !== format)}
            onClick={() => void download(format)}
          >
            {format === 'csv' ? 'CSV' : 'Excel'}
          </Button>
        ))}
      </div>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </div>
  );
}
