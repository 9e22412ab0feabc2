import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Banner, Button, ErrorDetailsBanner, FormDialog, Modal } from '@/components/ui';
import { useImportDevices } from '@/hooks/useDevices';
import { IMPORT_TEMPLATE, importSummary, type ImportSummary } from '@/lib/deviceImport';
import { saveBlob } from '@/lib/download';

const CREDENTIALS_FILE = 'device-credentials.csv';

interface ImportDevicesDialogProps {
  onClose: () => void;
}

/**
 * Creates or updates up to 1,000 devices from a CSV file. The server checks every row and
 * writes all of them or none; the new devices' tokens come back as a CSV that is handed to
 * the browser's save dialog at once and kept nowhere else.
 */
export function ImportDevicesDialog({ onClose }: ImportDevicesDialogProps) {
  const importing = useImportDevices();
  const [file, setFile] = useState<File | null>(null);
  const [missingFile, setMissingFile] = useState(false);
  const [done, setDone] = useState<ImportSummary | null>(null);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    setFile(event.target.files?.[0] ?? null);
    setMissingFile(false);
    importing.reset();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) {
      setMissingFile(true);
      return;
    }
    void file.text().then((csv) =>
      importing.mutate(csv, {
        onSuccess: (credentials) => {
          saveBlob(new Blob([credentials], { type: 'text/csv' }), CREDENTIALS_FILE);
          setDone(importSummary(credentials));
          // The answer holds tokens: it must not outlive this handler.
          importing.reset();
        },
      }),
    );
  };

  if (done) {
    return (
      <Modal
        open
        onClose={onClose}
        title="Devices imported"
        footer={<Button onClick={onClose}>Done</Button>}
      >
        <p className="text-sm text-slate-700">
          {done.created} created, {done.updated} updated. The new devices' MQTT credentials were
          saved as <strong>{CREDENTIALS_FILE}</strong>: they are not shown again.
        </p>
      </Modal>
    );
  }

  return (
    <FormDialog
      formId="import-devices-form"
      title="Import devices"
      description="Up to 1,000 devices from a CSV file. A key that exists updates that device; every other row creates one with its own token."
      onClose={onClose}
      onSubmit={submit}
      pending={importing.isPending}
      submitLabel="Import"
    >
      <p className="text-sm text-slate-600">
        Columns: <code>device_key</code>, <code>name</code> (both required), <code>type</code>, <code>location</code>,{' '}
        <code>area</code>, <code>manufacturer</code>, <code>model</code>.{' '}
        <button
          type="button"
          className="text-brand-700 underline"
          onClick={() => saveBlob(new Blob([IMPORT_TEMPLATE], { type: 'text/csv' }), 'devices-template.csv')}
        >
          Download a template
        </button>
      </p>
      <label className="block text-sm font-medium text-slate-700">
        CSV file
        <input
          type="file"
          accept=".csv,text/csv"
          className="mt-1 block w-full text-sm"
          onChange={choose}
          aria-invalid={missingFile}
        />
      </label>
      {missingFile && <Banner tone="danger" title="Choose a CSV file to import." />}
      <ErrorDetailsBanner error={importing.error} />
    </FormDialog>
  );
}
