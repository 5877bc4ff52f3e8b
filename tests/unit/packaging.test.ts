/**
 * `npm run dist` needs the Electron binary, which cannot be downloaded here, so the packaging
 * configuration is validated instead: loaded by electron-builder's own loader (the one `dist`
 * uses) and checked against its JSON schema, then for what Drydock needs of it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, matchesGlob } from 'node:path'
import type { Configuration } from 'app-builder-lib'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import { beforeAll, describe, expect, it } from 'vitest'
import { APP_ID } from '../../src/main/shell/app-id'
import { trayIconFile } from '../../src/main/shell/tray-controller'
import { tempDir } from '../support/temp-dir'

const root = join(__dirname, '../..')
let config: Configuration

function targetsOf(target: unknown): string[] {
  const list = Array.isArray(target) ? target : [target]
  return list.map((each) => (typeof each === 'string' ? each : (each as { target: string }).target))
}

function pngSize(file: string): [number, number] {
  const data = readFileSync(file)
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG')
  return [data.readUInt32BE(16), data.readUInt32BE(20)]
}

beforeAll(async () => {
  config = await getConfig(root, null, null)
})

describe('electron-builder configuration', () => {
  it('is the file electron-builder finds, and passes its schema', async () => {
    expect(existsSync(join(root, 'electron-builder.yml'))).toBe(true)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
    expect(config.appId).toBe(APP_ID)
    expect(config.productName).toBe('Drydock')
  })

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(targetsOf(config.linux?.target)).toEqual(['AppImage', 'deb'])
    expect(targetsOf(config.mac?.target)).toEqual(['dmg'])
    expect(targetsOf(config.win?.target)).toEqual(['nsis'])
  })

  it('rebuilds better-sqlite3 for Electron and keeps its .node file out of the asar', () => {
    expect(config.npmRebuild).toBe(true)
    expect(config.asar).not.toBe(false)
    const unpack = [config.asarUnpack ?? []].flat()
    const binding = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'
    expect(unpack.some((pattern) => matchesGlob(binding, pattern))).toBe(true)
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.dependencies)).toContain('better-sqlite3')
  })

  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; only a checked asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    })
    // onlyLoadAppFromAsar needs the app to be in an asar at all.
    expect(config.asar).not.toBe(false)
  })

  it('packages the built app (out/) and the icons, not the sources or its own output', () => {
    const patterns = [config.files ?? []]
      .flat()
      .flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.filter ?? []].flat()))
    expect(patterns).toContain('out/**')
    expect(patterns).toContain('resources/**')
    expect(patterns.some((pattern) => pattern.startsWith('src'))).toBe(false)
    expect(config.directories?.output).toBe('out/release')
    expect(patterns).toContain('!out/release{,/**}')
  })

  it('has a .desktop entry that matches the window class and the autostart entry', () => {
    expect(config.linux?.category).toBe('Development')
    expect(config.extraMetadata?.desktopName).toBe('drydock.desktop')
    expect(config.linux?.desktop?.entry).toMatchObject({
      StartupWMClass: 'drydock',
      Categories: 'Development;Utility;',
    })
  })

  it('points at icons that exist, of the sizes the packagers need', () => {
    for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) {
      expect(icon).toBeTruthy()
      expect(existsSync(join(root, icon!)), icon!).toBe(true)
    }
    // macOS and Linux packagers derive every size from one 512 px (or larger) PNG.
    expect(pngSize(join(root, config.mac!.icon!))).toEqual([512, 512])
    // A Windows ICO: header type 1, and a 256 px image (size byte 0) among its entries.
    const ico = readFileSync(join(root, config.win!.icon!))
    expect(ico.readUInt16LE(2)).toBe(1)
    const widths = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + 16 * i])
    expect(widths).toContain(0)
  })

  it('has `npm run dist`', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(pkg.scripts.dist).toBe('electron-vite build && electron-builder')
  })
})

describe('icons', () => {
  it('has every tray icon the tray asks for, on every platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      for (const variant of ['normal', 'alert'] as const) {
        const file = join(root, 'resources', trayIconFile(variant, platform))
        expect(existsSync(file), file).toBe(true)
      }
    }
    expect(pngSize(join(root, 'resources/trayTemplate.png'))).toEqual([16, 16])
    expect(pngSize(join(root, 'resources/trayAlertTemplate@2x.png'))).toEqual([32, 32])
  })

  it('are exactly what scripts/make-icons.mjs draws', { timeout: 60_000 }, () => {
    const out = tempDir()
    execFileSync(process.execPath, [join(root, 'scripts/make-icons.mjs'), '--out', out])
    const made = readdirSync(out).sort()
    expect(made.length).toBeGreaterThan(0)
    for (const name of made) {
      expect(
        readFileSync(join(root, 'resources', name)).equals(readFileSync(join(out, name))),
        name,
      ).toBe(true)
    }
  })
})
