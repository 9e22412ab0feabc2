import { Banner, CopyButton } from '@/components/ui';
import type { DeviceCredentials } from '@/types/device';

function CredentialField({ label, value, what, mono = true }: { label: string; value: string; what: string; mono?: boolean }) {
  const id = `credential-${what.replace(/\s+/g, '-')}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      <div className="flex items-center gap-2">
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          className={`h-9 min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2.5 text-sm text-slate-900 ${mono ? 'font-mono' : ''}`}
        />
        <CopyButton value={value} what={what} />
      </div>
    </div>
  );
}

/**
 * The device's MQTT credentials. The server keeps only a hash of the token, so this is the
 * one moment it can be read: nothing here is cached or stored.
 */
export function CredentialsPanel({ credentials }: { credentials: DeviceCredentials }) {
  return (
    <div className="flex flex-col gap-4">
      <Banner tone="warning" title="Copy the token now">
        This token will not be shown again. If it is lost, rotate the token to issue a new one; the device must then be
        given the new token.
      </Banner>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-[1fr_8rem]">
        <CredentialField label="MQTT host" value={credentials.mqtt_host} what="MQTT host" />
        <CredentialField
          label={credentials.tls ? 'Port (TLS)' : 'Port'}
          value={String(credentials.mqtt_port)}
          what="port"
        />
      </div>
      <CredentialField label="Topic" value={credentials.topic} what="topic" />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2">
        <CredentialField label="Client ID" value={credentials.client_id} what="client ID" />
        <CredentialField label="Username" value={credentials.username} what="username" />
      </div>
      <CredentialField label="Password (device token)" value={credentials.password} what="password" />
      <div className="flex flex-col gap-1">
        <div className="flex items-end justify-between gap-2">
          <label htmlFor="credential-example" className="text-xs font-medium text-slate-600">
            Test it from a shell (mosquitto_pub)
          </label>
          <CopyButton value={credentials.example} what="example command" />
        </div>
        <textarea
          id="credential-example"
          readOnly
          rows={3}
          value={credentials.example}
          onFocus={(e) => e.currentTarget.select()}
          className="w-full resize-none rounded-md border border-slate-300 bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100"
        />
      </div>
    </div>
  );
}
