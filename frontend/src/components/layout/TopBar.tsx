import { Link } from 'react-router-dom';
import { AlertBadge } from '@/components/alerts/AlertBadge';
import { FactoryIcon, MenuIcon, SignOutIcon, UserIcon } from '@/components/icons';
import { Badge, Button } from '@/components/ui';
import { useLogout } from '@/hooks/useAuth';
import { isSuperAdmin, useAuthStore } from '@/stores/authStore';

interface TopBarProps {
  onOpenNavigation: () => void;
}

export function TopBar({ onOpenNavigation }: TopBarProps) {
  const user = useAuthStore((s) => s.user);
  const factory = useAuthStore((s) => s.factory);
  const logout = useLogout();

  const factoryName = user?.factory.name ?? factory?.name ?? '';
  const displayName = user?.full_name || user?.email || '';

  return (
    <header className="sticky top-0 z-20 flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white/95 px-4 backdrop-blur sm:px-6">
      <button
        type="button"
        onClick={onOpenNavigation}
        aria-label="Open navigation"
        className="-ml-1 rounded-md p-1.5 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 lg:hidden"
      >
        <MenuIcon className="size-5" />
      </button>

      <div className="flex min-w-0 items-center gap-2">
        <FactoryIcon className="size-5 shrink-0 text-slate-500" />
        <span className="truncate text-sm font-semibold text-slate-900" data-testid="factory-name">
          {factoryName}
        </span>
      </div>

      <div className="ml-auto flex items-center gap-3">
        {user && <AlertBadge />}
        {user && (
          <Link
            to="/profile"
            aria-label="Profile"
            className="rounded-md p-1.5 text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 sm:hidden"
          >
            <UserIcon className="size-5" />
          </Link>
        )}
        {user && (
          <Link
            to="/profile"
            title="Your profile and password"
            className="hidden min-w-0 rounded-md px-1.5 py-0.5 text-right hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-600 sm:block"
          >
            <span className="block truncate text-sm font-medium text-slate-900">{displayName}</span>
            {user.full_name && <span className="block truncate text-xs text-slate-500">{user.email}</span>}
          </Link>
        )}
        {user && (
          <Badge tone={isSuperAdmin(user) ? 'info' : 'neutral'}>
            {isSuperAdmin(user) ? 'Super admin' : 'User'}
          </Badge>
        )}
        <Button
          variant="secondary"
          size="sm"
          onClick={() => logout.mutate()}
          loading={logout.isPending}
          icon={<SignOutIcon className="size-4" />}
        >
          Sign out
        </Button>
      </div>
    </header>
  );
}
