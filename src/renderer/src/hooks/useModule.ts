/**
 * Code loaded on first use, without React.lazy: React reveals content that suspended at most
 * every 300 ms, which a chart that follows its data, or a form the user just asked for, must not
 * wait for. The page renders its own placeholder while the module loads.
 */
import { useEffect, useState } from 'react'

export interface LazyModule<T> {
  /** Starts loading (once; later calls get the same promise) and resolves with the module. */
  load(): Promise<T>
  /** The module once loaded: a later mount renders it at once. */
  loaded: T | null
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let pending: Promise<T> | null = null
  const lazy: LazyModule<T> = {
    loaded: null,
    load: () =>
      (pending ??= importer().then(
        (module) => (lazy.loaded = module),
        (error: unknown) => {
          pending = null // a retry asks again
          throw error
        },
      )),
  }
  return lazy
}

export type ModuleState<T> =
  | { status: 'ready'; module: T }
  | { status: 'loading' }
  | { status: 'error'; error: unknown; retry: () => void }

export function useModule<T>(lazy: LazyModule<T>): ModuleState<T> {
  const [module, setModule] = useState(lazy.loaded)
  const [failure, setFailure] = useState<{ error: unknown } | null>(null)
  useEffect(() => {
    if (module || failure) return
    lazy.load().then(setModule, (error: unknown) => setFailure({ error }))
  }, [lazy, module, failure])
  if (module) return { status: 'ready', module }
  if (failure) return { status: 'error', error: failure.error, retry: () => setFailure(null) }
  return { status: 'loading' }
}
