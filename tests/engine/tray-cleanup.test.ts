/**
 * The tray's "Clean up safely" against the private engine: the real service behind the
 * in-process client, the tray's state store and one-click flow from the shell, and a stand-in for
 * Electron's Notification (a recorder). Only images this file created can go: any other dangling
 * image on the engine is protected by ID through the settings before the cleanup runs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInProcessClient } from '../../src/core/in-process-client'
import { DrydockService } from '../../src/core/service'
import { createOneClickCleanup, type NotificationText } from '../../src/main/shell/one-click'
import { trayMenuModel, type TrayMenuItem } from '../../src/main/shell/tray-model'
import { TrayStateStore } from '../../src/main/shell/tray-state'
import { formatBytes } from '../../src/shared/format'
import { loadImages, type LoadedImage } from '../support/image-archive'
import {
  cleanupTestObjects,
  createTestRun,
  requireTestEngine,
  testRef,
} from '../support/test-engine'

const engine = await requireTestEngine()
const run = createTestRun('tray-cleanup')
const MB = 1_000_000

function labels(items: TrayMenuItem[]): string[] {
  return items.flatMap((item) =>
    item.kind === 'separator' ? [] : item.kind === 'submenu' ? [item.label] : [item.label],
  )
}

async function imageExists(id: string): Promise<boolean> {
  try {
    await engine.docker.getImage(id).inspect()
    return true
  } catch {
    return false
  }
}

describe.skipIf(engine.skip)(
  "one-click cleanup from the tray (stand-in for Electron's Notification)",
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-tray-'))
    const service = new DrydockService({
      host: engine.host,
      transport: 'ipc',
      version: 'test',
      env: {},
      databasePath: join(dir, 'drydock.sqlite'),
    })
    const client = createInProcessClient(service)
    const store = new TrayStateStore(client)
    const shown: NotificationText[] = []
    const oneClick = createOneClickCleanup({
      api: client,
      notify: (text) => shown.push(text),
      onRunningChange: (running) => store.setCleanupRunning(running),
    })
    let dangling: LoadedImage[] = []
    let kept: LoadedImage

    beforeAll(async () => {
      const images = await loadImages(
        engine.docker,
        [
          {
            tags: [],
            created: '2024-01-01T00:00:00Z',
            layers: [{ files: { '/a': { size: 3 * MB, seed: 11 } } }],
          },
          {
            tags: [],
            created: '2024-01-02T00:00:00Z',
            layers: [{ files: { '/b': { size: 2 * MB, seed: 12 } } }],
          },
          {
            tags: [testRef('tray-kept', '1')],
            created: '2024-01-03T00:00:00Z',
            layers: [{ files: { '/c': { size: 1 * MB, seed: 13 } } }],
          },
        ],
        run,
      )
      dangling = images.slice(0, 2)
      kept = images[2]!
      // The default policy is "dangling images": keep every dangling image that is not ours.
      const ours = new Set(images.map((image) => image.id))
      const others = (await engine.docker.listImages({ filters: { dangling: ['true'] } }))
        .map((image) => image.Id)
        .filter((id) => !ours.has(id))
      await client.updateSettings({ protectedPatterns: others })
      await store.start()
    })

    afterAll(async () => {
      store.stop()
      service.close()
      rmSync(dir, { recursive: true, force: true })
      await cleanupTestObjects(engine.docker, run)
    })

    it("shows the engine's figures and what one click would free", async () => {
      const state = store.state
      expect(state.connection.status).toBe('connected')
      expect(state.usage).not.toBeNull()
      const menu = labels(trayMenuModel(state))
      expect(menu.some((label) => label.startsWith('Docker '))).toBe(true)
      expect(menu.some((label) => label.startsWith('Disk free '))).toBe(true)
      const plan = await client.planCleanup({
        dangling: true,
        protect: (await client.getSettings()).protectedPatterns,
      })
      expect(
        plan.items
          .filter((item) => item.action === 'delete')
          .map((item) => item.id)
          .sort(),
      ).toEqual(dangling.map((image) => image.id).sort())
      expect(state.reclaimable?.defaultPolicyBytes).toBe(plan.reclaimBytes)
      expect(menu).toContain(`Clean up safely — frees about ${formatBytes(plan.reclaimBytes)}`)
    })

    it('removes exactly the policy\'s images, logs the run as "tray" and notifies the result', async () => {
      const seenRunning: boolean[] = []
      const stop = store.onChange((state) => seenRunning.push(state.cleanupRunning))
      const outcome = await oneClick.run()
      stop()
      expect(outcome.kind).toBe('cleaned')
      if (outcome.kind !== 'cleaned') return
      expect(outcome.result.status).toBe('done')
      expect(outcome.result.items.map((item) => item.outcome)).toEqual(['deleted', 'deleted'])
      expect(outcome.result.reclaimedBytes).toBeGreaterThanOrEqual(5 * MB)
      expect(shown).toEqual([
        {
          title: 'Cleanup done',
          body: `Freed ${formatBytes(outcome.result.reclaimedBytes)} (2 images).`,
        },
      ])
      expect(seenRunning[0]).toBe(true)
      expect(seenRunning.at(-1)).toBe(false)

      for (const image of dangling) expect(await imageExists(image.id)).toBe(false)
      expect(await imageExists(kept.id)).toBe(true)

      const runs = await client.listRuns({ triggers: ['tray'] })
      expect(runs.map((each) => each.id)).toEqual([outcome.result.runId])
    })

    it('a second click finds nothing, records nothing and says so', async () => {
      const outcome = await oneClick.run()
      expect(outcome.kind).toBe('nothing-to-do')
      expect(shown.at(-1)).toEqual({
        title: 'Nothing to clean up',
        body: 'The safe policy finds nothing to remove.',
      })
      expect(await client.listRuns({})).toHaveLength(1)
    })
  },
)
