/**
 * The local log, opened on first use: one SQLite file shared by the app and the CLI. Opening
 * marks runs that a dead process left open as interrupted. Planning works without it (layer
 * facts are then cached in memory only); cleaning does not.
 */
import { DrydockError, errorMessage } from '../shared/errors'
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings'
import { MemoryLayerCache, type LayerCache } from './engine/inventory'
import {
  AutomationLog,
  DiskVerdictStore,
  ImageLayerCache,
  LastUsedStore,
  openDatabase,
  RunJournal,
  SettingsStore,
  StoreError,
  UsageStore,
  type OpenedDatabase,
} from './store'

export interface OpenLog {
  journal: RunJournal
  layerCache: ImageLayerCache
  settings: SettingsStore
  usage: UsageStore
  lastUsed: LastUsedStore
  automation: AutomationLog
  diskVerdicts: DiskVerdictStore
  /** The open database, for the stores that other modules keep (usage, last use, alerts). */
  db: OpenedDatabase['db']
  /** A corrupt file moved aside at opening: tell the user once. */
  recoveredFrom: string | null
}

export class LogAccess {
  private opened: (OpenLog & { database: OpenedDatabase }) | null = null
  private failure: DrydockError | null = null
  private closed = false
  private readonly memoryCache = new MemoryLayerCache()

  constructor(
    readonly path: string | null,
    private readonly nativeBinding?: string,
    /** Told once, when a corrupt file was moved aside and a fresh log created. */
    private readonly onRecovered?: (movedTo: string, path: string) => void,
  ) {}

  /** The log, or a `log-unusable` error saying why there is none. */
  open(): OpenLog {
    if (this.opened) return this.opened
    // After close(), late work (a sample finishing after the CLI is done) must not reopen it.
    if (this.closed) throw new DrydockError('log-unusable', 'The log is closed.')
    if (this.failure) throw this.failure
    if (!this.path) {
      this.failure = new DrydockError('log-unusable', 'No log file is configured.')
      throw this.failure
    }
    try {
      const database = openDatabase(
        this.path,
        this.nativeBinding ? { nativeBinding: this.nativeBinding } : {},
      )
      const journal = new RunJournal(database.db)
      journal.markInterrupted()
      this.opened = {
        database,
        journal,
        layerCache: new ImageLayerCache(database.db),
        settings: new SettingsStore(database.db),
        usage: new UsageStore(database.db),
        lastUsed: new LastUsedStore(database.db),
        automation: new AutomationLog(database.db),
        diskVerdicts: new DiskVerdictStore(database.db),
        db: database.db,
        recoveredFrom: database.recoveredFrom,
      }
      if (database.recoveredFrom) {
        // Every process sharing the new log must know its Settings (protection) were lost with
        // the old one, not only the one that moved it aside: kept in the log until seen.
        this.opened.settings.setRecovery({ movedTo: database.recoveredFrom })
        this.onRecovered?.(database.recoveredFrom, this.path)
      }
      return this.opened
    } catch (error) {
      const failure = new DrydockError('log-unusable', errorMessage(error))
      // A lock passes; anything else (corrupt beyond recovery, read-only, no space) stays.
      if (!(error instanceof StoreError && error.code === 'locked')) this.failure = failure
      throw failure
    }
  }

  /**
   * The settings; the defaults when the log cannot be read. `known` is false when a configured
   * log could not be read, so its rules (protection above all) are unknown.
   */
  readSettings(): { settings: Settings; known: boolean } {
    try {
      return { settings: this.open().settings.get(), known: true }
    } catch {
      return { settings: DEFAULT_SETTINGS, known: this.path === null }
    }
  }

  /**
   * Where a corrupt log was moved, while the user has not yet seen that its Settings (and so its
   * protection rules) were lost: policy cleanups wait until then. Null otherwise.
   */
  pendingRecovery(): string | null {
    try {
      return this.open().settings.recovery()?.movedTo ?? null
    } catch {
      return null
    }
  }

  /** The user has seen the notice (and Settings): policy cleanups may run again. */
  acknowledgeRecovery(): void {
    this.open().settings.setRecovery(null)
  }

  /** The persistent layer cache when the log opens, else a per-process one. */
  layerCache(): LayerCache {
    try {
      return this.open().layerCache
    } catch {
      return this.memoryCache
    }
  }

  close(): void {
    this.closed = true
    this.opened?.database.close()
    this.opened = null
  }
}
