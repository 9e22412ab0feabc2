import type { ReactNode } from 'react';

interface AuthLayoutProps {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}

/** The frame of the pages seen before signing in. */
export function AuthLayout({ title, subtitle, children }: AuthLayoutProps) {
  return (
    <div className="flex min-h-dvh flex-col bg-slate-100">
      <div className="h-1 bg-gradient-to-r from-sky-600 via-sky-400 to-emerald-400" aria-hidden="true" />
      <main className="flex flex-1 items-start justify-center px-4 py-12 sm:items-center">
        <div className="w-full max-w-md">
          <div className="mb-6 flex items-center justify-center gap-2.5">
            <svg aria-hidden="true" viewBox="0 0 32 32" className="size-9">
              <rect width="32" height="32" rx="6" fill="#0f172a" />
              <path d="M6 24V14l6 4v-4l6 4v-4l6 4V8h2v16z" fill="#38bdf8" />
            </svg>
            <span className="text-xl font-semibold tracking-tight text-slate-900">FactoryOps</span>
          </div>
          <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
            <h1 className="text-lg font-semibold text-slate-900">{title}</h1>
            {subtitle && <div className="mt-1 text-sm text-slate-500">{subtitle}</div>}
            <div className="mt-6">{children}</div>
          </div>
          <p className="mt-6 text-center text-xs text-slate-500">
            Industrial energy intelligence · Secure sign-in per factory
          </p>
        </div>
      </main>
    </div>
  );
}
