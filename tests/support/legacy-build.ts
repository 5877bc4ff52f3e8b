// Parent/child image chains made with the legacy (classic) builder through the API. Only the
// classic builder records `Parent`, which the engine's dependent-child and parent-walk rules use.
import { Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { tarOfFiles, type LayerFile } from './image-archive'
import { readEngineStream, type TestRun } from './test-engine'

export interface ChildBuild {
  /** Local image to build on (tag or ID); nothing is pulled. */
  from: string
  /** Full reference for the result, e.g. 'drydock-test/child:1'. */
  tag: string
  /** Files added by one COPY step. */
  files?: Record<string, LayerFile>
  /** Labels set by one LABEL step (the run's label is added when a run is given). */
  labels?: Record<string, string>
  run?: TestRun
  /** Reuse the builder cache (default false, so every build makes new images). */
  cache?: boolean
}

const CONTEXT_FILES_DIR = 'files/'

/**
 * Builds `FROM from; [COPY files]; [LABEL labels]` with the classic builder and returns the new
 * image ID. Each step commits an image, so with both files and labels the result's Parent is an
 * untagged intermediate image whose Parent is `from`; with only one of them Parent is `from`.
 * COPY and LABEL run no container, so builds work without network.
 */
export async function buildChild(docker: Dockerode, build: ChildBuild): Promise<string> {
  const labels = { ...build.labels, ...build.run?.labels }
  const files = build.files ?? {}
  if (Object.keys(files).length === 0 && Object.keys(labels).length === 0) {
    throw new Error('buildChild needs files or labels: a build without steps makes no new image')
  }
  const baseId = ((await docker.getImage(build.from).inspect()) as { Id: string }).Id

  const context = await tarOfFiles({
    Dockerfile: dockerfileFor(build.from, files, labels),
    ...prefixed(files, CONTEXT_FILES_DIR),
  })
  const output = await docker.buildImage(Readable.from([context]), {
    t: build.tag,
    version: '1',
    rm: true,
    forcerm: true,
    nocache: !build.cache,
  })
  const messages = await readEngineStream(output)
  const id = messages.find((m) => m.aux?.ID !== undefined)?.aux?.ID
  if (!id) {
    const log = messages.map((m) => m.stream ?? '').join('')
    throw new Error(`classic build of ${build.tag} reported no image ID:\n${log}`)
  }

  if (build.run) {
    build.run.imageIds.add(id)
    for (const intermediate of await parentChain(docker, id, baseId))
      build.run.imageIds.add(intermediate)
  }
  return id
}

/**
 * The IDs of an image's ancestors through `Parent`, nearest first, stopping before `stopAt`
 * (or at the root).
 */
export async function parentChain(
  docker: Dockerode,
  id: string,
  stopAt?: string,
): Promise<string[]> {
  const chain: string[] = []
  let current = id
  for (;;) {
    const { Parent } = (await docker.getImage(current).inspect()) as { Parent?: string }
    if (!Parent || Parent === stopAt) return chain
    chain.push(Parent)
    current = Parent
  }
}

function dockerfileFor(
  from: string,
  files: Record<string, LayerFile>,
  labels: Record<string, string>,
): string {
  const lines = [`FROM ${from}`]
  if (Object.keys(files).length > 0) lines.push(`COPY ${CONTEXT_FILES_DIR} /`)
  const pairs = Object.entries(labels)
  if (pairs.length > 0)
    lines.push(`LABEL ${pairs.map(([k, v]) => `${quoted(k)}=${quoted(v)}`).join(' ')}`)
  return `${lines.join('\n')}\n`
}

/** Dockerfile double-quoted word; newlines cannot be expressed, so they are refused. */
function quoted(word: string): string {
  if (/[\r\n]/.test(word))
    throw new Error(`label keys and values cannot contain newlines: ${JSON.stringify(word)}`)
  return `"${word.replace(/[\\"$]/g, (c) => `\\${c}`)}"`
}

function prefixed(files: Record<string, LayerFile>, prefix: string): Record<string, LayerFile> {
  const result: Record<string, LayerFile> = {}
  for (const [filePath, file] of Object.entries(files))
    result[prefix + filePath.replace(/^\/+/, '')] = file
  return result
}
