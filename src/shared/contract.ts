/**
 * The one contract between Drydock's UI and its core. Every method has a request and a response
 * schema; every transport (Electron IPC, browser mode over HTTP, in-process for the CLI) parses
 * payloads with these schemas before the service sees them.
 */
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import type { EventName, MethodName } from './channels'
import { CleanItemResultSchema, CleanResultSchema, PlanSchema, SelectionSchema } from './cleanup'
import { ErrorPayloadSchema } from './errors'
import { AutomaticRunSchema, AutomationStatusSchema } from './automation'
import { RUN_TRIGGERS, RunDetailSchema, RunSummarySchema } from './history'
import { EngineEntrySchema } from './engines'
import { ImageSharerSchema, ImageViewSchema, MAX_IMAGE_SHARERS } from './images'
import { BuildCacheListSchema, ContainerListSchema, VolumeListSchema } from './kinds'
import { AlertSchema, MonitorStateSchema } from './monitor'
import { SettingsPatchSchema, SettingsSchema } from './settings'
import {
  DiskUsageSchema,
  ReclaimableSchema,
  UsageSeriesRequestSchema,
  UsagePointSchema,
  UsageSeriesSchema,
  LatestUsageSchema,
} from './usage'

const Timestamp = lazySchema(() => z.iso.datetime({ offset: true }))

/** Methods that take no arguments still take an object, so that adding an option later is not a
 * breaking change; unknown keys are refused so that typos do not pass silently. */
const NoArguments = lazySchema(() => z.strictObject({}))

export const AppInfoSchema = lazySchema(() =>
  z.strictObject({
    name: z.literal('Drydock'),
    version: z.string(),
    /** Which transport serves this client: shown in Settings, useful in bug reports. */
    transport: z.enum(['ipc', 'http', 'in-process']),
  }),
)

export const ImageStoreSchema = lazySchema(() => z.enum(['graphdriver', 'containerd']))

export const EngineInfoSchema = lazySchema(() =>
  z.strictObject({
    /** The host as Drydock resolved it, e.g. `unix:///var/run/docker.sock`. */
    host: z.string(),
    /** Where the host setting came from: `--host`/setting, DOCKER_HOST, a context, the default. */
    hostSource: z.string(),
    /** The engine's own ID (`/info` ID): two engines behind one address are told apart by it. */
    id: z.string(),
    name: z.string(),
    version: z.string(),
    apiVersion: z.string(),
    os: z.string(),
    osType: z.string(),
    arch: z.string(),
    kernelVersion: z.string(),
    storageDriver: z.string(),
    imageStore: ImageStoreSchema,
    /** Which engine serves the Docker API: Podman's compatible API answers and deletes differently. */
    engineKind: z.enum(['docker', 'podman']),
    dataRoot: z.string(),
    cpus: z.number().int().nonnegative(),
    memoryBytes: z.number().nonnegative(),
    images: z.number().int().nonnegative(),
    containers: z.number().int().nonnegative(),
    containersRunning: z.number().int().nonnegative(),
  }),
)

/** The local log's health: shown in Settings, and once as a notice when it had to be replaced. */
export const LogStatusSchema = lazySchema(() =>
  z.strictObject({
    /** The database file; null when Drydock runs without one. */
    path: z.string().nullable(),
    status: z.enum(['ok', 'unusable']),
    /** Why the log cannot be used (read-only directory, disk full, locked...). */
    error: z.string().nullable(),
    /** Where a corrupt file was moved at start-up, before a fresh log was created. */
    movedAsideTo: z.string().nullable(),
    /** A corrupt log was replaced (moved here) and its Settings lost: policy cleanups wait until
     * the user acknowledges it (acknowledgeLogRecovery). Null when nothing is pending. */
    recoveryPending: z.string().nullable(),
  }),
)

export const ConnectionStateSchema = lazySchema(() =>
  z.discriminatedUnion('status', [
    z.strictObject({ status: z.literal('connecting'), host: z.string(), since: Timestamp }),
    z.strictObject({
      status: z.literal('connected'),
      host: z.string(),
      since: Timestamp,
      engine: EngineInfoSchema,
    }),
    z.strictObject({
      status: z.literal('unreachable'),
      host: z.string(),
      since: Timestamp,
      /** `invalid-host` when the host setting itself is unusable, so no retry can help. */
      code: z.enum(['invalid-host', 'engine-unreachable']),
      /** One sentence naming the host and the cause. */
      reason: z.string(),
    }),
  ]),
)

/**
 * Every method of the contract. Keys must match METHOD_NAMES exactly (checked by `satisfies`).
 */
export const methods = {
  getAppInfo: { request: NoArguments, response: AppInfoSchema },
  getConnection: { request: NoArguments, response: ConnectionStateSchema },
  /** Drop the current engine connection and connect again; resolves with the new state. */
  reconnect: { request: NoArguments, response: ConnectionStateSchema },
  /** The engines found on this machine (contexts, desktop engines' and Podman's sockets) and
   * in Settings; which one is current and which are followed. */
  listEngines: { request: NoArguments, response: lazySchema(() => z.array(EngineEntrySchema)) },
  /** Shows and plans on another engine from now on (saved in Settings); plans made on the
   * previous one can no longer run. Resolves with the new connection state. */
  switchEngine: {
    request: lazySchema(() => z.strictObject({ host: z.string().min(1) })),
    response: ConnectionStateSchema,
  },
  /** The engine's facts; fails with `engine-unreachable` when there is no engine. */
  getEngineInfo: { request: NoArguments, response: EngineInfoSchema },
  /** Bytes by type (images, containers, volumes, build cache) and free space at the data root. */
  getDiskUsage: { request: NoArguments, response: DiskUsageSchema },
  listImages: { request: NoArguments, response: lazySchema(() => z.array(ImageViewSchema)) },
  /** The images sharing the most bytes of one image's layers (at most MAX_IMAGE_SHARERS),
   * biggest first; from the inventory the last `listImages` read on this connection, as the page
   * shows it. Fails with `not-found` for an image neither that list nor a fresh read holds. */
  getImageSharers: {
    request: lazySchema(() => z.strictObject({ id: z.string().min(1) })),
    response: lazySchema(() => z.array(ImageSharerSchema).max(MAX_IMAGE_SHARERS)),
  },
  /** Containers, volumes, build cache: at once, with the last sizes known and their age. */
  listContainers: { request: NoArguments, response: ContainerListSchema },
  listVolumes: { request: NoArguments, response: VolumeListSchema },
  listBuildCache: { request: NoArguments, response: BuildCacheListSchema },
  /** Predicts a cleanup; changes nothing. The plan is kept so `runCleanup` does exactly it. */
  planCleanup: { request: SelectionSchema, response: PlanSchema },
  /**
   * Starts a plan made by `planCleanup`, by its id, and answers at once with the run's id (so it
   * can be cancelled before anything happened). The run goes on in the service: each item's
   * outcome and finally the whole result arrive as `progress` events naming the run and the plan;
   * the log records all of it. `runPlanToEnd` (shared/run-plan.ts) waits for the result.
   */
  runCleanup: {
    request: lazySchema(() =>
      z.strictObject({
        planId: z.string(),
        trigger: z.enum(RUN_TRIGGERS).default('manual'),
      }),
    ),
    response: lazySchema(() => z.strictObject({ runId: z.string(), planId: z.string() })),
  },
  /** Stops a running cleanup between items (the item in flight finishes); false if not running. */
  cancelCleanup: {
    request: lazySchema(() => z.strictObject({ runId: z.string() })),
    response: lazySchema(() => z.strictObject({ cancelled: z.boolean() })),
  },
  /** Past runs, newest first, a page at a time (`beforeStartedAt` is the previous page's last
   * `startedAt`); filters combine. Works with no engine. */
  listRuns: {
    request: lazySchema(() =>
      z.strictObject({
        limit: z.number().int().positive().max(1000).default(50),
        beforeStartedAt: Timestamp.optional(),
        /** The previous page's last run id, with its `startedAt`: ties are not skipped. */
        beforeId: z.string().optional(),
        triggers: z.array(RunSummarySchema.shape.trigger).optional(),
        /** Only the runs on this engine. */
        engineHost: z.string().optional(),
        statuses: z.array(RunSummarySchema.shape.status).optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
      }),
    ),
    response: lazySchema(() => z.array(RunSummarySchema)),
  },
  getRun: {
    request: lazySchema(() => z.strictObject({ id: z.string() })),
    response: lazySchema(() => RunDetailSchema.nullable()),
  },
  /** Pulls a removed image back by its repository digest (a run's restore hint). */
  restoreImage: {
    request: lazySchema(() =>
      z.strictObject({ reference: z.string().regex(/@sha256:[0-9a-f]{64}$/) }),
    ),
    response: lazySchema(() => z.strictObject({ reference: z.string(), imageId: z.string() })),
  },
  /** Disk usage over time from the log, downsampled; works with no engine. */
  getUsageSeries: { request: UsageSeriesRequestSchema, response: UsageSeriesSchema },
  /** The last usage sample recorded for an engine (omitted: the current one), from the log
   * alone: no engine request, so it answers at once. Null when the log has none (raw samples
   * are kept a week). */
  getLatestUsage: {
    request: lazySchema(() => z.strictObject({ host: z.string().optional() })),
    response: lazySchema(() => LatestUsageSchema.nullable()),
  },
  /** Exact reclaimable bytes by type, from the planner. */
  getReclaimable: { request: NoArguments, response: ReclaimableSchema },
  getSettings: { request: NoArguments, response: SettingsSchema },
  getLogStatus: { request: NoArguments, response: LogStatusSchema },
  /** The user has seen that a corrupt log was replaced (and its Settings lost). */
  acknowledgeLogRecovery: { request: NoArguments, response: LogStatusSchema },
  /** Validates and stores a partial change; resolves with the whole new settings. */
  updateSettings: { request: SettingsPatchSchema, response: SettingsSchema },
  /** Automatic cleanup: when it runs next, what it would remove now, what it did lately. */
  getAutomation: { request: NoArguments, response: AutomationStatusSchema },
  /** Active low-disk alerts and the snooze. */
  getMonitorState: { request: NoArguments, response: MonitorStateSchema },
  /** Silences alert notifications until a time (null ends the snooze). */
  snoozeAlerts: {
    request: lazySchema(() => z.strictObject({ until: Timestamp.nullable() })),
    response: MonitorStateSchema,
  },
} as const satisfies Record<MethodName, { request: z.ZodType; response: z.ZodType }>

/**
 * A cleanup run's progress. Carries its own facts: an item's outcome as it finishes (`item`, with
 * its place in the plan), and on the last event the whole result, or the error that ended the run
 * (`ended`). No client needs to read the log to follow a run.
 */
export const ProgressEventSchema = lazySchema(() =>
  z.strictObject({
    runId: z.string(),
    /** The plan it runs, so the page that asked can tell its run from others (the tray's...). */
    planId: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    message: z.string(),
    item: CleanItemResultSchema.extend({ seq: z.number().int().nonnegative() }).optional(),
    ended: z
      .discriminatedUnion('ok', [
        z.strictObject({ ok: z.literal(true), result: CleanResultSchema }),
        z.strictObject({ ok: z.literal(false), error: ErrorPayloadSchema }),
      ])
      .optional(),
  }),
)

/** A new usage sample, taken on the schedule or after a cleanup. */
export const UsageEventSchema = lazySchema(() => UsagePointSchema.extend({ host: z.string() }))

/** An alert raised (or cleared: `clearedAt` set) by the disk monitor. */
export const AlertEventSchema = AlertSchema

/** The shell asks the window to show a page, e.g. a notification click opens the preview of the
 * default safe policy: `#/cleanup?policy=default`. */
export const NavigateEventSchema = lazySchema(() =>
  z.strictObject({ hash: z.string().regex(/^#\//) }),
)

/** Fresh sizes of containers, volumes and build cache are in: lists read now get them. */
export const SizesEventSchema = lazySchema(() =>
  z.strictObject({ host: z.string(), at: Timestamp }),
)

/** An automatic cleanup was due: what happened (and, once it ended, the run's result). */
export const AutomationEventSchema = lazySchema(() =>
  z.strictObject({
    entry: AutomaticRunSchema,
    result: CleanResultSchema.nullable(),
  }),
)

export const events = {
  sizes: SizesEventSchema,
  automation: AutomationEventSchema,
  connection: ConnectionStateSchema,
  /** The monitor's state changed other than by an alert (a snooze began or ended). */
  monitor: MonitorStateSchema,
  navigate: NavigateEventSchema,
  progress: ProgressEventSchema,
  usage: UsageEventSchema,
  alert: AlertEventSchema,
} as const satisfies Record<EventName, z.ZodType>

export type AppInfo = z.infer<typeof AppInfoSchema>
export type EngineInfo = z.infer<typeof EngineInfoSchema>
export type ConnectionState = z.infer<typeof ConnectionStateSchema>
export type LogStatus = z.infer<typeof LogStatusSchema>
export type ProgressEvent = z.infer<typeof ProgressEventSchema>

/** What a caller sends (defaults may be omitted). */
export type MethodRequest<M extends MethodName> = z.input<(typeof methods)[M]['request']>
/** What the service receives once the schema has parsed it (defaults filled in). */
export type ParsedRequest<M extends MethodName> = z.output<(typeof methods)[M]['request']>
export type MethodResponse<M extends MethodName> = z.output<(typeof methods)[M]['response']>

/** A method whose request has no required field can be called without an argument. */
type MethodFunction<M extends MethodName> =
  Record<string, never> extends MethodRequest<M>
    ? (request?: MethodRequest<M>) => Promise<MethodResponse<M>>
    : (request: MethodRequest<M>) => Promise<MethodResponse<M>>

/** What every client exposes, whatever the transport. */
export type DrydockApi = { [M in MethodName]: MethodFunction<M> }

/** What the service implements: each method receives its request already parsed. */
export type DrydockHandlers = {
  [M in MethodName]: (request: ParsedRequest<M>) => Promise<MethodResponse<M>>
}

export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

/** An event as it travels: a discriminated union on `name`. */
export type DrydockEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName]

export type EventListener = (event: DrydockEvent) => void

/** Subscribing returns the function that unsubscribes. */
export interface EventSource {
  subscribe(listener: EventListener): () => void
}

/** What the renderer (and any other UI) holds: the API plus its events. */
export type DrydockClient = DrydockApi & EventSource
