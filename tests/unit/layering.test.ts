/**
 * The layer fences of eslint.config.mjs (docs/architecture.md): each refuses a violating import
 * and lets the layer's own imports through. Linted as text at a path inside each layer, with the
 * project's real configuration.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) })
  return result!.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message)
}

const cases: { layer: string; file: string; refused: string[]; allowed: string[] }[] = [
  {
    layer: 'shared',
    file: 'src/shared/fence-probe.ts',
    refused: [
      "import { readFileSync } from 'node:fs'",
      "import { readFileSync } from 'fs'",
      "import Docker from 'dockerode'",
      "import Database from 'better-sqlite3'",
      "import { DrydockService } from '../core/service'",
      "import { main } from '../main/index'",
      "import { ipcMain } from 'electron'",
    ],
    allowed: ["import { z } from 'zod'", "import { formatBytes } from './format'"],
  },
  {
    layer: 'core',
    file: 'src/core/planner/fence-probe.ts',
    refused: [
      "import { app } from 'electron'",
      "import { createTray } from '../../main/shell/tray'",
      "import { run } from '../../cli/program'",
      "import { startServer } from '../../web/server'",
      "import { App } from '../../renderer/src/App'",
    ],
    allowed: [
      "import { statfs } from 'node:fs/promises'",
      "import Docker from 'dockerode'",
      "import { formatBytes } from '../../shared/format'",
      "import { EngineModel } from './engine-model'",
    ],
  },
  {
    layer: 'renderer',
    file: 'src/renderer/src/fence-probe.ts',
    refused: [
      "import { DrydockService } from '../../core/service'",
      "import { createTray } from '../../main/shell/tray'",
      "import { run } from '../../cli/program'",
      "import { readFileSync } from 'node:fs'",
      "import Docker from 'dockerode'",
      "import { ipcRenderer } from 'electron'",
    ],
    allowed: [
      "import { formatBytes } from '../../shared/format'",
      "import { createHttpTransport } from './transport/http'",
    ],
  },
  {
    layer: 'cli',
    file: 'src/cli/fence-probe.ts',
    refused: ["import { app } from 'electron'", "import { createTray } from '../main/shell/tray'"],
    allowed: ["import { DrydockService } from '../core/service'"],
  },
]

describe('layer fences (eslint no-restricted-imports)', () => {
  for (const { layer, file, refused, allowed } of cases) {
    for (const code of refused) {
      it(`${layer} refuses: ${code}`, async () => {
        expect(
          await restricted(file, `${code}\nexport const used = [${nameOf(code)}]\n`),
        ).toHaveLength(1)
      })
    }
    it(`${layer} allows its own imports`, async () => {
      for (const code of allowed) {
        expect(await restricted(file, `${code}\nexport const used = [${nameOf(code)}]\n`)).toEqual(
          [],
        )
      }
    })
  }
})

describe('file size', () => {
  it('no file under src/ is over 500 lines', () => {
    const long: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry)
        if (statSync(path).isDirectory()) walk(path)
        else if (!/\.(png|ico|icns)$/.test(entry)) {
          const lines = readFileSync(path, 'utf8').split('\n').length
          if (lines > 500) long.push(`${relative(root, path)}: ${lines}`)
        }
      }
    }
    walk(join(root, 'src'))
    expect(long).toEqual([])
  })
})

function nameOf(code: string): string {
  return /import \{? ?(\w+)/.exec(code)![1]!
}
