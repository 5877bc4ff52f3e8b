/**
 * The tray's state store against the real service with no engine reachable (the connected
 * case, with real figures, is tests/engine/tray-cleanup.test.ts).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createInProcessClient } from '../../src/core/in-process-client'
import { DrydockService } from '../../src/core/service'
import { trayMenuModel, type TrayState } from '../../src/main/shell/tray-model'
import { TrayStateStore } from '../../src/main/shell/tray-state'
import { tempDir } from '../support/temp-dir'

function setup() {
  const dir = tempDir()
  const service = new DrydockService({
    transport: 'ipc',
    version: '0.0.0',
    env: { DOCKER_HOST: `unix://${join(dir, 'no-engine.sock')}` },
    databasePath: join(dir, 'drydock.sqlite'),
  })
  const store = new TrayStateStore(createInProcessClient(service))
  const seen: TrayState[] = []
  store.onChange((state) => seen.push(state))
  return { service, store, seen }
}

describe('tray state store', () => {
  it('reads the state once started: engine down, no figures, the down menu', async () => {
    const { service, store, seen } = setup()
    try {
      await store.start()
      expect(store.state.connection.status).toBe('unreachable')
      expect(store.state.usage).toBeNull()
      expect(store.state.reclaimable).toBeNull()
      expect(seen.length).toBeGreaterThan(0)
      const labels = trayMenuModel(store.state).map((item) => ('label' in item ? item.label : '-'))
      expect(labels).toContain('Docker engine not reachable')
    } finally {
      store.stop()
      service.close()
    }
  })

  it('marks a cleanup running and reads everything again when it ends', async () => {
    const { service, store, seen } = setup()
    try {
      await store.start()
      seen.length = 0
      store.setCleanupRunning(true)
      expect(store.state.cleanupRunning).toBe(true)
      store.setCleanupRunning(false)
      await store.refresh()
      // Then at least one re-read (a refresh asked for during one in flight adds a pass).
      expect(seen.slice(0, 2).map((state) => state.cleanupRunning)).toEqual([true, false])
      expect(seen.length).toBeGreaterThan(2)
      expect(seen.every((state, index) => index === 0 || !state.cleanupRunning)).toBe(true)
    } finally {
      store.stop()
      service.close()
    }
  })

  it('shows a snooze set elsewhere (the window, another tab) at once', async () => {
    const { service, store } = setup()
    try {
      await store.start()
      const until = new Date(Date.now() + 3_600_000).toISOString()
      await service.snoozeAlerts({ until })
      expect(store.state.monitor.snoozedUntil).toBe(until)
      const labels = trayMenuModel(store.state).map((item) => ('label' in item ? item.label : '-'))
      expect(labels.some((label) => /resume alerts/i.test(label))).toBe(true)
      await service.snoozeAlerts({ until: null })
      expect(store.state.monitor.snoozedUntil).toBeNull()
    } finally {
      store.stop()
      service.close()
    }
  })
})
