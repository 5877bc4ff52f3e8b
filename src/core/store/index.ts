/** The local log: database file, run journal, image layer cache. */
export { AlertLog } from './alert-log'
export { AutomationLog } from './automation-log'
export { DiskVerdictStore } from './disk-verdict-store'
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  defaultDatabasePath,
  openDatabase,
  type OpenDatabaseOptions,
  type OpenedDatabase,
} from './database'
export { StoreError, type StoreErrorCode } from './errors'
export { ImageLayerCache, type CachedImageLayers, type CachedLayer } from './image-layer-cache'
export { DEFAULT_RUN_PAGE_SIZE, RunJournal } from './journal'
export type {
  FinishedRunStatus,
  ItemOutcome,
  ItemOutcomeInput,
  PlannedItem,
  PredictedAction,
  RunDetail,
  RunItemRecord,
  RunMode,
  RunResult,
  RunStatus,
  RunSummary,
  RunTrigger,
  StartRunInput,
} from './run-records'
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations'
export { SettingsStore } from './settings-store'
export { UsageStore, type UsageSampleInput, type SeriesQuery } from './usage-store'
export { LastUsedStore, type ImageUse } from './last-used-store'
