import type { JSX, SVGProps } from 'react';

export type IconComponent = (props: SVGProps<SVGSVGElement>) => JSX.Element;

function make(paths: string[]): IconComponent {
  return function Icon(props: SVGProps<SVGSVGElement>) {
    return (
      <svg
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.75}
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
        focusable="false"
        {...props}
      >
        {paths.map((d) => (
          <path key={d} d={d} />
        ))}
      </svg>
    );
  };
}

export const DashboardIcon = make(['M3 3h7v9H3z', 'M14 3h7v5h-7z', 'M14 12h7v9h-7z', 'M3 16h7v5H3z']);
export const EnergyIcon = make(['M13 2 4 14h7l-1 8 9-12h-7z']);
export const AssetsIcon = make(['M12 3v6', 'M5 15v-3h14v3', 'M9 3h6v6H9z', 'M2 15h6v6H2z', 'M16 15h6v6h-6z']);
export const MachinesIcon = make([
  'M2 20h20',
  'M4 20V9l5 3V9l5 3V9l5 3v8',
  'M17 5v3',
]);
export const RulesIcon = make(['M4 6h10', 'M4 12h7', 'M4 18h10', 'M17 4l3 3-3 3', 'M17 14l3 3-3 3']);
export const AlertsIcon = make([
  'M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9',
  'M10.3 21a1.9 1.9 0 0 0 3.4 0',
]);
export const AnalyticsIcon = make(['M3 3v18h18', 'M7 15l4-4 3 3 6-7']);
export const ReportsIcon = make([
  'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z',
  'M14 2v6h6',
  'M8 13h8',
  'M8 17h5',
]);
export const UsersIcon = make([
  'M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2',
  'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8',
  'M22 21v-2a4 4 0 0 0-3-3.9',
  'M16 3.1a4 4 0 0 1 0 7.8',
]);
export const SettingsIcon = make([
  'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6',
  'M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z',
]);
export const FactoryIcon = make([
  'M2 20h20',
  'M3 20V10l6 4v-4l6 4V4h5v16',
  'M7 17h2',
  'M12 17h2',
]);
export const SignOutIcon = make(['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9']);
export const MenuIcon = make(['M3 6h18', 'M3 12h18', 'M3 18h18']);
export const CloseIcon = make(['M18 6 6 18', 'M6 6l12 12']);
export const SearchIcon = make(['M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16', 'M21 21l-4.3-4.3']);
export const ChevronRightIcon = make(['M9 18l6-6-6-6']);
export const AuditIcon = make(['M9 5H7a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-2', 'M9 3h6v4H9z', 'M9 12h6', 'M9 16h4']);
export const UserIcon = make(['M20 21v-2a4 4 0 0 0-4-4H8a4 4 0 0 0-4 4v2', 'M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8']);
export const PlusIcon = make(['M12 5v14', 'M5 12h14']);
export const TrashIcon = make(['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6']);
export const KeyIcon = make(['M15 7a4 4 0 1 1-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0 1 15 7', 'M16 11h.01']);
export const UploadIcon = make(['M12 21V9', 'M7 14l5-5 5 5', 'M5 3h14']);
export const DownloadIcon = make(['M12 3v12', 'M7 10l5 5 5-5', 'M5 21h14']);
