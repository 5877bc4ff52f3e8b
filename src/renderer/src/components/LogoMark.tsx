/** Drydock's mark: a hull resting on keel blocks under a stack of containers. */
import type { ReactNode } from 'react'

export function LogoMark({ size = 28 }: { size?: number }): ReactNode {
  return (
    <svg
      className="logo-mark"
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="8" className="logo-mark__tile" />
      <g className="logo-mark__cargo">
        <rect x="9" y="8" width="6" height="4.5" rx="0.8" />
        <rect x="15.8" y="8" width="6" height="4.5" rx="0.8" opacity="0.7" />
        <rect x="12.4" y="3.4" width="6" height="4" rx="0.8" opacity="0.85" />
      </g>
      <path
        className="logo-mark__hull"
        d="M5.5 14h21l-2.6 6.2a2 2 0 0 1-1.85 1.3H9.95a2 2 0 0 1-1.85-1.3z"
      />
      <path className="logo-mark__blocks" d="M10 24.5v3M16 24.5v3M22 24.5v3M7 27.5h18" />
    </svg>
  )
}
