/**
 * A container's directory under the data root (src/core/engine/container-files.ts): its log and
 * config files count, directories one level down too, links never; a directory that cannot be
 * read is left out rather than counted as empty. A walk made before the engine's list is in
 * serves the containers it saw; those created since are read when the list names them.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  containerFileBytes,
  listedContainerFileBytes,
  walkContainerDirectories,
} from '../../src/core/engine/container-files'
import { tempDir } from '../support/temp-dir'

describe('containerFileBytes', () => {
  it('sums the regular files of each container directory, one level of subdirectories deep', async () => {
    const root = tempDir()
    const dir = join(root, 'containers', 'abc')
    mkdirSync(join(dir, 'checkpoints', 'deeper'), { recursive: true })
    writeFileSync(join(dir, 'abc-json.log'), 'x'.repeat(10_000))
    writeFileSync(join(dir, 'config.v2.json'), 'y'.repeat(500))
    writeFileSync(join(dir, 'checkpoints', 'one'), 'z'.repeat(30))
    writeFileSync(join(dir, 'checkpoints', 'deeper', 'not-counted'), 'w'.repeat(7))
    symlinkSync('/etc/hostname', join(dir, 'link'))
    const sizes = await containerFileBytes(root, ['abc', 'gone'])
    expect(sizes).toEqual(new Map([['abc', 10_530]]))
  })

  it('counts every container when the walk yields to the event loop between batches', async () => {
    const root = tempDir()
    const ids = Array.from({ length: 120 }, (_, i) => `c${i}`)
    for (const [i, id] of ids.entries()) {
      mkdirSync(join(root, 'containers', id), { recursive: true })
      writeFileSync(join(root, 'containers', id, 'log'), 'x'.repeat(i + 1))
    }
    // Queued before the walk: it runs only if the walk gives the event loop a turn.
    const order: string[] = []
    setImmediate(() => order.push('other work'))
    const sizes = await containerFileBytes(root, ids)
    order.push('walk done')
    expect([...sizes.values()]).toEqual(ids.map((_, i) => i + 1))
    expect(order).toEqual(['other work', 'walk done'])
  })

  it('takes what a walk ahead saw and reads the containers created since', async () => {
    const root = tempDir()
    const write = (id: string, bytes: number) => {
      mkdirSync(join(root, 'containers', id), { recursive: true })
      writeFileSync(join(root, 'containers', id, 'log'), 'x'.repeat(bytes))
    }
    write('early', 10)
    write('removed', 20)
    const ahead = await walkContainerDirectories(root)
    expect(ahead.sizes).toEqual(
      new Map([
        ['early', 10],
        ['removed', 20],
      ]),
    )
    write('late', 30)
    // The list names what the engine holds now: not the removed one, the late one as well.
    expect(await listedContainerFileBytes(root, ['early', 'late'], ahead)).toEqual(
      new Map([
        ['early', 10],
        ['late', 30],
      ]),
    )
    // A walk of another data root (the engine changed meanwhile) is not used.
    const other = tempDir()
    mkdirSync(join(other, 'containers', 'early'), { recursive: true })
    expect(await listedContainerFileBytes(other, ['early'], ahead)).toEqual(new Map([['early', 0]]))
  })

  it('reads each listed container itself when the walk ahead could not list the directory', async () => {
    const root = tempDir()
    const ahead = await walkContainerDirectories(root)
    expect(ahead.walked.size).toBe(0)
    mkdirSync(join(root, 'containers', 'abc'), { recursive: true })
    writeFileSync(join(root, 'containers', 'abc', 'log'), 'x'.repeat(5))
    expect(await listedContainerFileBytes(root, ['abc', 'gone'], ahead)).toEqual(
      new Map([['abc', 5]]),
    )
  })
})
