import { NavLink } from 'react-router-dom';
import { CloseIcon } from '@/components/icons';
import { NAV_ITEMS, visibleNavItems, type NavItem } from '@/components/layout/navigation';
import { cn } from '@/lib/cn';
import { useAuthStore } from '@/stores/authStore';

interface SidebarProps {
  items?: NavItem[];
  /** Called after a link is followed, so the mobile drawer can close. */
  onNavigate?: () => void;
  /** Present only in the mobile drawer. */
  onClose?: () => void;
}

export function Sidebar({ items = NAV_ITEMS, onNavigate, onClose }: SidebarProps) {
  const user = useAuthStore((s) => s.user);
  const visible = visibleNavItems(items, user);

  return (
    <div className="flex h-full flex-col bg-slate-900 text-slate-300">
      <div className="flex h-14 shrink-0 items-center justify-between gap-2 border-b border-white/10 px-4">
        <span className="flex items-center gap-2 text-[15px] font-semibold tracking-tight text-white">
          <svg aria-hidden="true" viewBox="0 0 32 32" className="size-7">
            <rect width="32" height="32" rx="6" fill="#1e293b" />
            <path d="M6 24V14l6 4v-4l6 4v-4l6 4V8h2v16z" fill="#38bdf8" />
          </svg>
          FactoryOps
        </span>
        {onClose && (
          <button
            type="button"
            onClick={onClose}
            aria-label="Close navigation"
            className="rounded-md p-1.5 text-slate-400 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-sky-400"
          >
            <CloseIcon className="size-5" />
          </button>
        )}
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-2 py-3">
        <ul className="flex flex-col gap-0.5">
          {visible.map(({ to, label, icon: Icon, end }) => (
            <li key={to}>
              <NavLink
                to={to}
                end={end}
                onClick={onNavigate}
                className={({ isActive }) =>
                  cn(
                    'group flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors',
                    'focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-400',
                    isActive
                      ? 'bg-slate-800 text-white shadow-[inset_3px_0_0_0] shadow-sky-400'
                      : 'hover:bg-slate-800/60 hover:text-white',
                  )
                }
              >
                <Icon className="size-5 shrink-0 text-slate-400 group-aria-[current=page]:text-sky-400" />
                {label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}
