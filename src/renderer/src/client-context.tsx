/** The one DrydockClient of this window, handed to every component through context. */
import { createContext, use, type ReactNode } from 'react'
import type { DrydockClient } from '../../shared/contract'

const ClientContext = createContext<DrydockClient | null>(null)

export function ClientProvider({
  client,
  children,
}: {
  client: DrydockClient
  children: ReactNode
}): ReactNode {
  return <ClientContext value={client}>{children}</ClientContext>
}

export function useClient(): DrydockClient {
  const client = use(ClientContext)
  if (!client) throw new Error('useClient() needs a <ClientProvider> above it.')
  return client
}
