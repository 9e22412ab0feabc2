import { Card, CardBody, CardHeader } from '@/components/ui';
import { useAuthStore } from '@/stores/authStore';

export default function Dashboard() {
  const user = useAuthStore((s) => s.user);
  const factory = user?.factory;
  const firstName = user?.full_name.split(' ')[0] || user?.email;

  return (
    <div className="mx-auto flex max-w-7xl flex-col gap-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Dashboard</h1>
        <p className="mt-1 text-sm text-slate-500">Overview of energy and equipment for your factory.</p>
      </div>

      <Card>
        <CardHeader title={`Welcome${firstName ? `, ${firstName}` : ''}`} description={factory?.name} />
        <CardBody>
          <dl className="grid grid-cols-1 gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="text-slate-500">Factory</dt>
              <dd className="mt-0.5 font-medium text-slate-900">{factory?.name}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Code</dt>
              <dd className="mt-0.5 font-mono text-slate-900">{factory?.slug}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Time zone</dt>
              <dd className="mt-0.5 font-medium text-slate-900">{factory?.timezone}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Currency</dt>
              <dd className="mt-0.5 font-medium text-slate-900">{factory?.currency}</dd>
            </div>
          </dl>
        </CardBody>
      </Card>
    </div>
  );
}
