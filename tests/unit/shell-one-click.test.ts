/**
 * "Clean up safely" from the tray, driven through the shell's logic with a stand-in for
 * Electron's Notification (a recorder of what would be shown) and stand-in client functions.
 * The same flow against a real service and engine is tests/engine/tray-cleanup.test.ts.
 */
import { describe, expect, it } from 'vitest'
import type { CleanResult, Plan, PlanItem, SelectionInput } from '../../src/shared/cleanup'
import type { EventListener } from '../../src/shared/contract'
import { DrydockError } from '../../src/shared/errors'
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings'
import {
  createOneClickCleanup,
  errorSentence,
  resultSentence,
  type NotificationText,
  type OneClickApi,
} from '../../src/main/shell/one-click'

const GB = 1_000_000_000

function item(id: string, action: PlanItem['action'], reclaimBytes = 0): PlanItem {
  return {
    kind: 'image',
    id,
    name: id,
    tags: [],
    digests: [],
    action,
    untag: [],
    reason: '',
    blockers: [],
    affectedContainers: [],
    reclaimBytes,
    heldBy: [],
    project: null,
    after: [],
    requests: [],
  }
}

function plan(items: PlanItem[]): Plan {
  return {
    id: 'plan-1',
    engine: {
      host: 'unix:///run/test.sock',
      id: 'E',
      version: '27.0.0',
      imageStore: 'graphdriver',
    },
    selection: {} as Plan['selection'],
    createdAt: '2025-03-10T12:00:00Z',
    items,
    reclaimBytes: items.reduce((sum, each) => sum + each.reclaimBytes, 0),
    reclaimByKind: { image: 0, container: 0, volume: 0, 'build-cache': 0 },
    hints: [],
    target: null,
  }
}

function result(outcomes: CleanResult['items'][number]['outcome'][], bytes: number): CleanResult {
  return {
    runId: 'run-1',
    status: outcomes.includes('failed') ? 'partial' : 'done',
    items: outcomes.map((outcome, index) => ({
      kind: 'image' as const,
      id: `sha256:${index}`,
      name: '',
      tags: [],
      outcome,
      reclaimedBytes: 0,
    })),
    predictedBytes: bytes,
    reclaimedBytes: bytes,
  }
}

/** Stand-in client: records the calls, answers with the given plan and result. */
function standIn(options: {
  settings?: Settings
  plan?: Plan
  result?: CleanResult
  fail?: unknown
}) {
  const calls: string[] = []
  const selections: (SelectionInput | undefined)[] = []
  const runs: unknown[] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  const listeners = new Set<EventListener>()
  const api: OneClickApi = {
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    planCleanup: async (selection) => {
      calls.push('planCleanup')
      selections.push(selection)
      if (options.fail) throw options.fail
      return options.plan ?? plan([])
    },
    runCleanup: async (request) => {
      calls.push('runCleanup')
      runs.push(request)
      // As the service does: the run id at once, the result with the run's last progress event.
      void gate.then(() => {
        const ended = options.result ?? result([], 0)
        for (const listener of listeners) {
          listener({
            name: 'progress',
            payload: {
              runId: ended.runId,
              planId: request.planId,
              done: ended.items.length,
              total: ended.items.length,
              message: ended.status,
              ended: { ok: true, result: ended },
            },
          })
        }
      })
      return { runId: 'run-1', planId: request.planId }
    },
  }
  return { api, calls, selections, runs, release }
}

function recorder() {
  const shown: NotificationText[] = []
  return { shown, notify: (text: NotificationText) => shown.push(text) }
}

describe("one-click cleanup (stand-in for Electron's Notification)", () => {
  it('plans the default policy, runs it with trigger "tray" and notifies the result', async () => {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      defaultPolicy: { kind: 'unused-older-than', days: 30 },
      protectedPatterns: ['postgres:*'],
    }
    const client = standIn({
      settings,
      plan: plan([
        item('a', 'delete', GB),
        item('b', 'delete'),
        item('c', 'delete'),
        item('d', 'blocked'),
      ]),
      result: result(['deleted', 'deleted', 'deleted'], 4.1 * GB),
    })
    client.release()
    const notes = recorder()
    const running: boolean[] = []
    const oneClick = createOneClickCleanup({
      api: client.api,
      notify: notes.notify,
      onRunningChange: (value) => running.push(value),
    })
    const outcome = await oneClick.run()
    expect(outcome.kind).toBe('cleaned')
    // The service resolves the default policy and Settings' protection (cleanup-service.ts).
    expect(client.calls).toEqual(['planCleanup', 'runCleanup'])
    expect(client.selections).toEqual([{ policy: 'default' }])
    expect(client.runs).toEqual([{ planId: 'plan-1', trigger: 'tray' }])
    expect(notes.shown).toEqual([{ title: 'Cleanup done', body: 'Freed 4.10 GB (3 images).' }])
    expect(running).toEqual([true, false])
  })

  it('records no run when the policy finds nothing, and says so', async () => {
    const client = standIn({ plan: plan([item('a', 'blocked'), item('b', 'keep')]) })
    const notes = recorder()
    const outcome = await createOneClickCleanup({ api: client.api, notify: notes.notify }).run()
    expect(outcome.kind).toBe('nothing-to-do')
    expect(client.calls).not.toContain('runCleanup')
    expect(notes.shown).toEqual([
      { title: 'Nothing to clean up', body: 'The safe policy finds nothing to remove.' },
    ])
  })

  it('notifies an error in one sentence', async () => {
    const client = standIn({
      fail: new DrydockError(
        'engine-unreachable',
        'Cannot reach the Docker engine at unix:///run/test.sock: connect ENOENT.',
      ),
    })
    const notes = recorder()
    const outcome = await createOneClickCleanup({ api: client.api, notify: notes.notify }).run()
    expect(outcome).toEqual({
      kind: 'failed',
      message:
        'Cleanup failed: Cannot reach the Docker engine at unix:///run/test.sock: connect ENOENT.',
    })
    expect(notes.shown).toEqual([
      { title: 'Cleanup failed', body: outcome.kind === 'failed' ? outcome.message : '' },
    ])
  })

  it('a second click while one runs does nothing', async () => {
    const client = standIn({
      plan: plan([item('a', 'delete', GB)]),
      result: result(['deleted'], GB),
    })
    const notes = recorder()
    const oneClick = createOneClickCleanup({ api: client.api, notify: notes.notify })
    const first = oneClick.run()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(oneClick.isRunning()).toBe(true)
    await expect(oneClick.run()).resolves.toEqual({ kind: 'busy' })
    client.release()
    await expect(first).resolves.toMatchObject({ kind: 'cleaned' })
    expect(client.runs).toHaveLength(1)
    expect(notes.shown).toHaveLength(1)
    expect(oneClick.isRunning()).toBe(false)
  })
})

describe('result sentences', () => {
  it('counts images, untagged tags and failures', () => {
    expect(resultSentence(result(['deleted'], 1.5 * GB))).toBe('Freed 1.50 GB (1 image).')
    expect(resultSentence(result(['deleted', 'untagged', 'failed'], 0.2 * GB))).toBe(
      'Freed 200 MB (1 image, 1 tag removed). 1 image could not be removed; see History.',
    )
    expect(resultSentence({ ...result(['deleted'], GB), status: 'cancelled' })).toBe(
      'Cancelled. Freed 1.00 GB (1 image).',
    )
  })

  it('makes any error one sentence with one full stop', () => {
    expect(errorSentence(new Error('No plan x here; make the plan again.'))).toBe(
      'Cleanup failed: No plan x here; make the plan again.',
    )
    expect(errorSentence('boom')).toBe('Cleanup failed: boom.')
    expect(errorSentence(new Error(''))).toBe('Cleanup failed: Unknown error.')
  })
})
