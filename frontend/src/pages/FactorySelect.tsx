import { useMemo, useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { ChevronRightIcon, FactoryIcon, SearchIcon } from '@/components/icons';
import { AuthLayout } from '@/components/layout/AuthLayout';
import { Badge, Button, EmptyState, Input, QueryState } from '@/components/ui';
import { useFactoryDirectory } from '@/hooks/useFactories';
import { selectIsAuthenticated, useAuthStore } from '@/stores/authStore';
import type { FactorySummary, SelectedFactory } from '@/types/auth';

function normaliseCode(code: string): string {
  return code.trim().toLowerCase();
}

function FactoryCodeForm({
  initialCode,
  onSubmit,
  onBack,
}: {
  initialCode: string;
  onSubmit: (slug: string) => void;
  onBack?: () => void;
}) {
  const [code, setCode] = useState(initialCode);
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const slug = normaliseCode(code);
    if (!slug) {
      setError('Enter the code of your factory.');
      return;
    }
    onSubmit(slug);
  };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <Input
        label="Factory code"
        name="factory_code"
        value={code}
        onChange={(e) => {
          setCode(e.target.value);
          setError(null);
        }}
        autoComplete="organization"
        autoCapitalize="none"
        spellCheck={false}
        placeholder="e.g. plant-north"
        hint="Your administrator can tell you your factory's code."
        error={error}
        required
        autoFocus
      />
      <div className="flex items-center justify-between gap-3">
        {onBack ? (
          <Button variant="ghost" onClick={onBack}>
            Back to the list
          </Button>
        ) : (
          <span />
        )}
        <Button type="submit">Continue</Button>
      </div>
    </form>
  );
}

function FactoryList({
  factories,
  lastSlug,
  onChoose,
}: {
  factories: FactorySummary[];
  lastSlug: string | null;
  onChoose: (factory: FactorySummary) => void;
}) {
  const [search, setSearch] = useState('');

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const matching = needle
      ? factories.filter(
          (f) => f.name.toLowerCase().includes(needle) || f.slug.toLowerCase().includes(needle),
        )
      : factories;
    // The factory used last on this browser comes first: most people only ever use one.
    return [...matching].sort(
      (a, b) => Number(b.slug === lastSlug) - Number(a.slug === lastSlug),
    );
  }, [factories, search, lastSlug]);

  if (factories.length === 0) {
    return (
      <EmptyState
        icon={<FactoryIcon className="size-8" />}
        title="No factories yet"
        description="No factory has been set up on this installation. Ask your administrator."
      />
    );
  }

  return (
    <div className="flex flex-col gap-3">
      <Input
        label="Search factories"
        hideLabel
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        placeholder="Search by name or code"
        leading={<SearchIcon className="size-4" />}
        autoComplete="off"
        autoFocus
      />
      <p className="sr-only" role="status">
        {shown.length === 1 ? '1 factory' : `${shown.length} factories`}
      </p>
      {shown.length === 0 ? (
        <EmptyState
          title="No matching factory"
          description={`Nothing matches “${search.trim()}”. Check the spelling or search by factory code.`}
        />
      ) : (
        <ul
          aria-label="Factories"
          className="max-h-80 divide-y divide-slate-200 overflow-y-auto rounded-lg border border-slate-200"
        >
          {shown.map((factory) => (
            <li key={factory.id}>
              <button
                type="button"
                onClick={() => onChoose(factory)}
                className="group flex w-full items-center gap-3 px-4 py-3 text-left hover:bg-slate-50 focus-visible:bg-sky-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-600"
              >
                <span className="flex size-9 shrink-0 items-center justify-center rounded-md bg-slate-100 text-slate-500 group-hover:bg-sky-100 group-hover:text-sky-700">
                  <FactoryIcon className="size-5" />
                </span>
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm font-medium text-slate-900">{factory.name}</span>
                  <span className="block truncate font-mono text-xs text-slate-500">{factory.slug}</span>
                </span>
                {factory.slug === lastSlug && <Badge tone="info">Last used</Badge>}
                <ChevronRightIcon className="size-4 shrink-0 text-slate-400 group-hover:text-slate-600" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export default function FactorySelect() {
  const navigate = useNavigate();
  const isAuthenticated = useAuthStore(selectIsAuthenticated);
  const selectFactory = useAuthStore((s) => s.selectFactory);
  const lastFactory = useAuthStore((s) => s.lastFactory);
  const directory = useFactoryDirectory();
  const [typingCode, setTypingCode] = useState(false);

  if (isAuthenticated) return <Navigate to="/dashboard" replace />;

  const choose = (factory: SelectedFactory) => {
    selectFactory(factory);
    void navigate('/login');
  };

  const chooseByCode = (slug: string) => {
    // Keep the known name when the code is the factory used last time.
    if (lastFactory && lastFactory.slug === slug) choose(lastFactory);
    else choose({ id: null, name: slug, slug });
  };

  if (directory.directoryDisabled) {
    return (
      <AuthLayout title="Enter your factory" subtitle="Type the code of the factory you work in.">
        <FactoryCodeForm initialCode={lastFactory?.slug ?? ''} onSubmit={chooseByCode} />
      </AuthLayout>
    );
  }

  if (typingCode) {
    return (
      <AuthLayout title="Enter your factory" subtitle="Type the code of the factory you work in.">
        <FactoryCodeForm
          initialCode=""
          onSubmit={chooseByCode}
          onBack={() => setTypingCode(false)}
        />
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Select your factory" subtitle="Choose the site you want to sign in to.">
      <QueryState query={directory} loadingLabel="Loading factories" errorTitle="Could not load the factory list" loadingClassName="py-10">
        {(factories) => (
          <FactoryList
            factories={factories}
            lastSlug={lastFactory?.slug ?? null}
            onChoose={({ id, name, slug }) => choose({ id, name, slug })}
          />
        )}
      </QueryState>
      <div className="mt-5 border-t border-slate-200 pt-4 text-center">
        <button
          type="button"
          onClick={() => setTypingCode(true)}
          className="text-sm font-medium text-sky-700 hover:text-sky-800 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
        >
          I have a factory code
        </button>
      </div>
    </AuthLayout>
  );
}
