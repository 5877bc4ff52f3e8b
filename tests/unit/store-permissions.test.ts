import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { openDatabase } from '../../src/core/store/database'
import { RunJournal } from '../../src/core/store/journal'
import { tempDir } from '../support/temp-dir'

const modeOf = (path: string) => statSync(path).mode & 0o777

function open(path: string) {
  const opened = openDatabase(path)
  onTestFinished(() => opened.close())
  return opened
}

/** One write, so SQLite has its -wal and -shm beside the file. */
function write(db: ReturnType<typeof openDatabase>['db']): void {
  new RunJournal(db).startRun({
    trigger: 'cli',
    mode: 'safe',
    selection: {},
    engineHost: 'unix:///var/run/docker.sock',
    predictedBytes: 0,
    items: [],
  })
}

describe.skipIf(process.platform === 'win32')('the log is private to the user', () => {
  it('creates its directory 0700 and the file, -wal and -shm 0600', () => {
    const dir = join(tempDir(), 'config', 'Drydock')
    const file = join(dir, 'drydock.sqlite')
    const opened = open(file)
    write(opened.db)
    expect(modeOf(dir)).toBe(0o700)
    expect(modeOf(join(dir, '..'))).toBe(0o700) // created on the way, so Drydock's to set
    expect(modeOf(file)).toBe(0o600)
    expect(modeOf(`${file}-wal`)).toBe(0o600)
    expect(modeOf(`${file}-shm`)).toBe(0o600)
  })

  it('narrows an existing file and the app directory that others could read', () => {
    const dir = join(tempDir(), 'Drydock')
    const file = join(dir, 'drydock.sqlite')
    openDatabase(file).close()
    chmodSync(dir, 0o755)
    chmodSync(file, 0o644)
    writeFileSync(`${file}-journal`, '')
    chmodSync(`${file}-journal`, 0o666)
    open(file)
    expect(modeOf(dir)).toBe(0o700)
    expect(modeOf(file)).toBe(0o600)
    expect(modeOf(`${file}-journal`)).toBe(0o600)
  })

  it('leaves a directory the user chose alone, but not the file', () => {
    const dir = join(tempDir(), 'shared-logs')
    mkdirSync(dir, { mode: 0o755 })
    chmodSync(dir, 0o755)
    const file = join(dir, 'log.sqlite')
    writeFileSync(file, '')
    chmodSync(file, 0o644)
    open(file)
    expect(modeOf(dir)).toBe(0o755)
    expect(modeOf(file)).toBe(0o600)
  })

  it('starts the fresh log private when a corrupt one was moved aside', () => {
    const file = join(tempDir(), 'log.sqlite')
    writeFileSync(file, 'not a database '.repeat(100))
    chmodSync(file, 0o644)
    const opened = open(file)
    expect(opened.recoveredFrom).not.toBeNull()
    write(opened.db)
    expect(modeOf(file)).toBe(0o600)
    expect(modeOf(`${file}-wal`)).toBe(0o600)
  })
})
