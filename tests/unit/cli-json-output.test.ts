/**
 * `--json` output: indented for a person at a terminal, one line for a pipe (what scripts read),
 * the same value either way.
 */
import { describe, expect, it } from 'vitest'
import { printJson, type CliIo } from '../../src/cli/io'

function ioWith(isTTY: boolean): { io: CliIo; written: () => string } {
  let text = ''
  const io = {
    stdout: { isTTY, write: (chunk: string) => (text += chunk) },
    stderr: { write: () => true },
  } as unknown as CliIo
  return { io, written: () => text }
}

describe('printJson', () => {
  const value = { items: [{ id: 'sha256:1', tags: ['a:1'] }], reclaimBytes: 42 }

  it('writes one line to a pipe', () => {
    const { io, written } = ioWith(false)
    printJson(io, value)
    expect(written()).toBe(`${JSON.stringify(value)}\n`)
    expect(written().trimEnd().includes('\n')).toBe(false)
  })

  it('indents for a terminal', () => {
    const { io, written } = ioWith(true)
    printJson(io, value)
    expect(written()).toBe(`${JSON.stringify(value, null, 2)}\n`)
    expect(JSON.parse(written())).toEqual(value)
  })
})
