/** Inline SVG icons (no image files: the CSP allows none from elsewhere). Decorative by default. */
import type { ReactNode, SVGProps } from 'react'

type IconProps = SVGProps<SVGSVGElement> & { size?: number }

function Icon({ size = 18, children, ...rest }: IconProps & { children: ReactNode }): ReactNode {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...rest}
    >
      {children}
    </svg>
  )
}

export function DashboardIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <rect x="3.5" y="3.5" width="7" height="8" rx="1.5" />
      <rect x="13.5" y="3.5" width="7" height="5" rx="1.5" />
      <rect x="13.5" y="11.5" width="7" height="9" rx="1.5" />
      <rect x="3.5" y="14.5" width="7" height="6" rx="1.5" />
    </Icon>
  )
}

export function ImagesIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M12 3.5 20.5 8 12 12.5 3.5 8z" />
      <path d="m3.5 12 8.5 4.5 8.5-4.5" />
      <path d="m3.5 16 8.5 4.5 8.5-4.5" />
    </Icon>
  )
}

export function HistoryIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M3.5 12a8.5 8.5 0 1 0 2.6-6.1" />
      <path d="M3.5 4v4h4" />
      <path d="M12 7.5V12l3 2" />
    </Icon>
  )
}

export function SettingsIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M4 6.5h10M18 6.5h2M4 12h3M11 12h9M4 17.5h8M16 17.5h4" />
      <circle cx="16" cy="6.5" r="2" />
      <circle cx="9" cy="12" r="2" />
      <circle cx="14" cy="17.5" r="2" />
    </Icon>
  )
}

export function AlertIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M10.3 4.3 2.8 17.5a2 2 0 0 0 1.7 3h15a2 2 0 0 0 1.7-3L13.7 4.3a2 2 0 0 0-3.4 0z" />
      <path d="M12 9.5v4M12 17h.01" />
    </Icon>
  )
}

export function PlugOffIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M9 3.5v4M15 3.5v4" />
      <path d="M6.5 7.5h11v3.5a5.5 5.5 0 0 1-5.5 5.5v0A5.5 5.5 0 0 1 6.5 11z" />
      <path d="M12 16.5v4" />
      <path d="m3.5 3.5 17 17" />
    </Icon>
  )
}

export function RetryIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M20 12a8 8 0 1 1-2.3-5.7" />
      <path d="M20 4v4.5h-4.5" />
    </Icon>
  )
}

export function CloseIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="m6 6 12 12M18 6 6 18" />
    </Icon>
  )
}

export function LinkOffIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M9.5 14.5 14.5 9.5" />
      <path d="M7.5 11 5.6 12.9a3.8 3.8 0 0 0 5.4 5.4l1.9-1.9" />
      <path d="m16.5 13 1.9-1.9a3.8 3.8 0 0 0-5.4-5.4L11.1 7.6" />
      <path d="m3.5 3.5 17 17" />
    </Icon>
  )
}

export function ContainersIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <rect x="3.5" y="6.5" width="17" height="12" rx="1.5" />
      <path d="M7.5 9.5v6M12 9.5v6M16.5 9.5v6" />
    </Icon>
  )
}

export function VolumesIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <ellipse cx="12" cy="6" rx="7.5" ry="2.5" />
      <path d="M4.5 6v12c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5V6" />
      <path d="M4.5 12c0 1.4 3.4 2.5 7.5 2.5s7.5-1.1 7.5-2.5" />
    </Icon>
  )
}

export function BuildCacheIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="M4 20.5h16" />
      <rect x="5.5" y="14" width="5.5" height="6.5" rx="1" />
      <rect x="13" y="14" width="5.5" height="6.5" rx="1" />
      <rect x="9.25" y="7" width="5.5" height="7" rx="1" />
      <path d="M12 3.5v3.5" />
    </Icon>
  )
}

export function EngineIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <rect x="3.5" y="4" width="17" height="6.5" rx="1.5" />
      <rect x="3.5" y="13.5" width="17" height="6.5" rx="1.5" />
      <path d="M7 7.25h.01M7 16.75h.01" />
    </Icon>
  )
}

export function ChevronDownIcon(props: IconProps): ReactNode {
  return (
    <Icon {...props}>
      <path d="m6.5 9.5 5.5 5.5 5.5-5.5" />
    </Icon>
  )
}
