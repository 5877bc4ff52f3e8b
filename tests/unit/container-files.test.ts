/**
 * A container's directory under the data root (src/core/engine/container-files.ts): its log and
 * config files count, directories one level down too, links never; a directory that cannot be
 * read is left out rather than counted as empty.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { containerFileBytes } from '../../src/core/engine/container-files'
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
})
