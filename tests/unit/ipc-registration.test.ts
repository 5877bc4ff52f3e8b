/**
 * The Electron runtime cannot run here, so these tests drive the IPC registration with a
 * stand-in ipcMain and stand-in sender frames. The service behind it is the real one.
 */
import { describe, expect, it } from 'vitest'
import { channelFor, METHOD_NAMES } from '../../src/shared/channels'
import { DrydockService } from '../../src/core/service'
import { registerIpcHandlers, type IpcMainLike } from '../../src/main/shell/ipc'
import { isTrustedFrame, type FrameLike } from '../../src/main/shell/sender'

type Handler = (event: { senderFrame: FrameLike | null }, ...args: unknown[]) => Promise<unknown>

class StandInIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, listener)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  invoke(channel: string, frame: FrameLike | null, payload: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel)
    if (!handler) throw new Error(`no handler for ${channel}`)
    return handler({ senderFrame: frame }, payload)
  }
}

const rendererUrl = 'file:///app/out/renderer/index.html'
const trusted: FrameLike = { url: rendererUrl, parent: null }

function setup() {
  const ipcMain = new StandInIpcMain()
  const service = new DrydockService({ transport: 'ipc', version: '1.2.3', env: {} })
  const unregister = registerIpcHandlers(ipcMain, service, (frame) =>
    isTrustedFrame(frame, rendererUrl),
  )
  return { ipcMain, unregister }
}

describe('IPC registration (stand-in ipcMain; Electron runtime not available)', () => {
  it('registers exactly one handler per contract method and removes them all', () => {
    const { ipcMain, unregister } = setup()
    expect([...ipcMain.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(channelFor).sort())
    unregister()
    expect(ipcMain.handlers.size).toBe(0)
  })

  it('accepts a valid call from the renderer frame', async () => {
    const { ipcMain } = setup()
    await expect(ipcMain.invoke(channelFor('getAppInfo'), trusted, {})).resolves.toEqual({
      ok: true,
      value: { name: 'Drydock', version: '1.2.3', transport: 'ipc' },
    })
  })

  it('rejects an invalid payload with a typed envelope', async () => {
    const { ipcMain } = setup()
    const envelope = await ipcMain.invoke(channelFor('getAppInfo'), trusted, { extra: true })
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-request' } })
  })

  it('rejects a call from an untrusted sender before looking at the payload', async () => {
    const { ipcMain } = setup()
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: rendererUrl, parent: trusted },
      null,
    ]) {
      const envelope = await ipcMain.invoke(channelFor('getAppInfo'), frame, {})
      expect(envelope).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } })
    }
  })
})
