import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

export type BannerTone = 'info' | 'success' | 'warning' | 'danger';

const tones: Record<BannerTone, string> = {
  info: 'border-sky-200 bg-sky-50 text-sky-900',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  danger: 'border-red-200 bg-red-50 text-red-900',
};

interface BannerProps {
  tone?: BannerTone;
  title?: ReactNode;
  children?: ReactNode;
  /**
   * `alert` interrupts the screen reader (errors the user must act on); `status` waits its turn.
   * Defaults by tone.
   */
  role?: 'alert' | 'status';
  className?: string;
}

/** Inline message above a form or a panel. */
export function Banner({ tone = 'info', title, children, role, className }: BannerProps) {
  const liveRole = role ?? (tone === 'danger' || tone === 'warning' ? 'alert' : 'status');
  return (
    <div role={liveRole} className={cn('rounded-md border px-3.5 py-2.5 text-sm', tones[tone], className)}>
      {title && <p className="font-semibold">{title}</p>}
      {children && <div className={title ? 'mt-0.5' : undefined}>{children}</div>}
    </div>
  );
}
