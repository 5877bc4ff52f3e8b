/**
 * One dockerode connection to one engine, and the engine facts Drydock shows (version, API
 * version, storage, data root). Knows nothing of Electron or of the contract's transports.
 */
import Docker from 'dockerode'
import { createHash } from 'node:crypto'
import type { EngineInfo } from '../../shared/contract'
import { SharedDiskUsage } from './disk-usage'
import { engineDiskReader, type EngineDiskReader } from './engine-disks'
import {
  identityFromInfo,
  identityFromVersion,
  type AnsweredInfo,
  type EngineIdentity,
  type InfoAnswer,
  type VersionAnswer,
} from './engine-kind'
import { engineUnreachable } from './errors'
import { jsonGetter, jsonRequester, type JsonGet, type JsonRequest } from './json-get'
import { pipelinedGetter, pipelinedRequester, type PipelinedGetter } from './pipelined-get'
import { boundReads } from './read-timeouts'
import type { ResolvedHost } from './host'

/** A ping that hangs (a tcp host dropping packets) must not freeze the UI. */
const CONNECT_TIMEOUT_MS = 5_000

/** Rejects when the engine has not answered a quick call within CONNECT_TIMEOUT_MS. */
function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('timeout: the engine did not answer in time')),
      CONNECT_TIMEOUT_MS,
    )
    timer.unref()
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** The containerd image store reports a snapshotter in DriverStatus (docs/engine-rules.md). */
function imageStoreOf(info: InfoAnswer): EngineInfo['imageStore'] {
  const status = info.DriverStatus ?? []
  return status.some(([key, value]) => /snapshotter/i.test(`${key} ${value}`))
    ? 'containerd'
    : 'graphdriver'
}

/**
 * The engine's identity, stable across requests. Docker's `ID` is fixed per data root; Podman's
 * compat `/info` makes up a new UUID on every call (podman 4.3), so a plan could never match its
 * engine at run time: there it is the host name and graph root that name the same storage.
 */
export function engineIdOf(info: InfoAnswer, kind: EngineInfo['engineKind']): string {
  if (kind !== 'podman') return info.ID ?? ''
  const digest = createHash('sha256').update(`${info.Name ?? ''}\0${info.DockerRootDir ?? ''}`)
  return `podman-${digest.digest('hex').slice(0, 32)}`
}

export class EngineConnection {
  readonly docker: Docker
  /** The lean path for bulk reads; null where only dockerode connects (ssh). */
  readonly getJson: JsonGet | null
  /** `getJson` pipelines (pipelined-get.ts): many reads in flight are cheap. */
  readonly pipelined: boolean
  /** Lean requests of any method (the executor's deletes); null where only dockerode connects. */
  readonly request: JsonRequest | null
  /** Whether BuildKit's own API answered here (build-cache-grpc.ts); null until asked. */
  buildKitApi: boolean | null = null
  private readonly pipelinedGetter: PipelinedGetter | null
  private readonly pipelinedRequester: PipelinedGetter | null
  /** `/system/df` shared by overlapping callers (see SharedDiskUsage). */
  readonly diskUsage: SharedDiskUsage
  /** Free space where the engine writes (a probe when it is not visible here); see engine-disks. */
  readonly disks: EngineDiskReader

  /** `pipelined`: the getter early reads went out with (its connections are reused). */
  constructor(
    readonly host: ResolvedHost,
    pipelined?: PipelinedGetter | null,
  ) {
    try {
      // No modem timeouts: docker-modem's connectionTimeout runs until the response headers, so
      // it would cut off a slow image delete or container stop. Quick calls race a timer instead.
      this.docker = new Docker(host.modem)
      // Reads are bounded all the same: a wedged engine answers the check and then nothing.
      boundReads(this.docker.modem as unknown as Parameters<typeof boundReads>[0])
      this.pipelinedGetter = pipelined ?? pipelinedGetter(host)
      this.pipelined = this.pipelinedGetter !== null
      this.getJson = this.pipelinedGetter?.get ?? jsonGetter(host)
      this.pipelinedRequester = pipelinedRequester(host)
      this.request = this.pipelinedRequester?.request ?? jsonRequester(host)
      this.diskUsage = new SharedDiskUsage(this.docker)
      this.disks = engineDiskReader(host, this.docker)
    } catch (error) {
      // docker-modem reads DOCKER_CERT_PATH files in its constructor and can throw there.
      throw engineUnreachable(error, host)
    }
  }

  async ping(): Promise<void> {
    try {
      await withTimeout(this.docker.ping())
    } catch (error) {
      throw engineUnreachable(error, this.host)
    }
  }

  /** `sent`: `/info`, already asked for (early-reads.ts). */
  async engineInfo(sent?: { info: Promise<AnsweredInfo> }): Promise<EngineInfo> {
    let identity: EngineIdentity
    let info: InfoAnswer
    try {
      ;[identity, info] = await withTimeout(this.identify(sent?.info))
    } catch (error) {
      throw engineUnreachable(error, this.host)
    }
    const engineKind = identity.kind
    return {
      host: this.host.url,
      hostSource: this.host.source,
      id: engineIdOf(info, engineKind),
      name: info.Name ?? '',
      version: identity.version,
      apiVersion: identity.apiVersion,
      os: info.OperatingSystem ?? identity.os ?? 'unknown',
      osType: info.OSType ?? identity.os ?? 'unknown',
      arch: identity.arch,
      kernelVersion: identity.kernelVersion,
      storageDriver: info.Driver ?? 'unknown',
      imageStore: imageStoreOf(info),
      engineKind,
      dataRoot: info.DockerRootDir ?? '',
      cpus: info.NCPU ?? 0,
      memoryBytes: info.MemTotal ?? 0,
      images: info.Images ?? 0,
      containers: info.Containers ?? 0,
      containersRunning: info.ContainersRunning ?? 0,
    }
  }

  /** `/info` and its headers where they can be read (engine-kind.ts says why not `/version`),
   * else `/version` and `/info` through dockerode. */
  private async identify(
    sent: Promise<AnsweredInfo> | undefined,
  ): Promise<[EngineIdentity, InfoAnswer]> {
    const answered = sent ?? this.pipelinedGetter?.getWithHeaders('/info')
    if (answered) {
      const { body, headers } = await answered
      const info = (body ?? {}) as InfoAnswer
      return [identityFromInfo(info, headers), info]
    }
    const [version, info] = await Promise.all([this.docker.version(), this.docker.info()])
    return [identityFromVersion(version as VersionAnswer), info as InfoAnswer]
  }

  /** Closes the pipelined getter's idle connections (they never hold the process anyway). */
  close(): void {
    this.pipelinedGetter?.close()
    this.pipelinedRequester?.close()
  }
}
