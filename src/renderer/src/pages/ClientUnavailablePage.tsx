/** Shown instead of the app when there is no way to talk to Drydock's core at all. */
import type { ReactNode } from 'react'
import { LinkOffIcon } from '../components/Icons'
import { LogoMark } from '../components/LogoMark'
import { RichText } from '../components/RichText'

export function ClientUnavailablePage({ reason }: { reason: string }): ReactNode {
  return (
    <main className="standalone" data-testid="client-unavailable">
      <div className="standalone__panel">
        <div className="standalone__brand">
          <LogoMark size={36} />
          <span className="brand__name">Drydock</span>
        </div>
        <div className="standalone__icon">
          <LinkOffIcon size={28} />
        </div>
        <h1>This page is not connected to Drydock</h1>
        <p className="reason" data-testid="client-unavailable-reason">
          <RichText text={reason} />
        </p>
        <p>
          In browser mode, Drydock only answers pages opened from the exact link that{' '}
          <code>drydock serve</code> prints — it ends in <code>?token=…</code>. Start it with:
        </p>
        <pre className="command">
          <code>node bin/drydock.js serve</code>
        </pre>
        <p className="muted">
          The link works while that command runs and is valid for this browser tab only. Opening
          the address without the token, or after <code>drydock serve</code> was restarted, leads
          here.
        </p>
      </div>
    </main>
  )
}
