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
          In browser mode, Drydock answers only pages opened from that exact link, which ends in{' '}
          <code>?token=…</code>. Copy it from the terminal where Drydock is serving and open it
          here.
        </p>
        <p className="muted">
          The link works for as long as that command runs. A link from an earlier run no longer
          works, and opening the address without its token leads to this page.
        </p>
      </div>
    </main>
  )
}
