import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { build, type Plugin } from 'vite'

/**
 * dockerode and docker-modem load gRPC, protobuf and ssh2 when they are first required, although
 * Drydock needs them only for image builds (never) and ssh:// hosts (rarely). Both libraries are
 * bundled, and those two internal modules are swapped for stand-ins that load them on first use.
 * With zod bundled too (its hundred files cost ~45 ms to load), the CLI starts in ~55 ms, not 245.
 * The same for what only a build context (tar-fs, dockerignore, zlib), a hijacked stream
 * (HttpDuplex, readable-stream) or DEBUG=modem (debug) needs: ~18 ms more of every start.
 */
const util = /dockerode[\\/]lib[\\/]util\.js$/
const modem = /docker-modem[\\/]lib[\\/]modem\.js$/
const swaps: [RegExp, string, string][] = [
  [/dockerode[\\/]lib[\\/]docker\.js$/, './session', 'src/core/engine/lazy/dockerode-session.cjs'],
  [modem, './ssh', 'src/core/engine/lazy/docker-modem-ssh.cjs'],
  [modem, './http_duplex', 'src/core/engine/lazy/docker-modem-http-duplex.cjs'],
  [modem, 'debug', 'src/core/engine/lazy/debug.cjs'],
  [util, 'tar-fs', 'src/core/engine/lazy/tar-fs.cjs'],
  [util, '@balena/dockerignore', 'src/core/engine/lazy/dockerignore.cjs'],
]

function lazyDockerInternals(): Plugin {
  return {
    name: 'drydock-lazy-docker-internals',
    enforce: 'pre',
    resolveId(source, importer) {
      for (const [importerPattern, request, replacement] of swaps) {
        if (source === request && importer && importerPattern.test(importer))
          return resolve(__dirname, replacement)
      }
      return null
    },
  }
}

/**
 * Browser mode's first frame (src/renderer/src/first-frame.tsx) is the renderer's code built for
 * Node, which `drydock serve` loads: built after the renderer, on its own, so that neither the
 * CLI's chunks nor the page's change with it. React is bundled in (production builds), the
 * stylesheets the components import are left out (the page links them), and the charts and forms
 * that pages load on demand never render on the server.
 */
function firstFrameBuild(): Plugin {
  const root = resolve(__dirname, 'src/renderer')
  return {
    name: 'drydock-first-frame',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        root,
        logLevel: 'warn',
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        ssr: { noExternal: true, target: 'node' },
        plugins: [
          {
            name: 'drydock-first-frame-no-css',
            enforce: 'pre',
            load: (id) => (id.endsWith('.css') ? '' : null),
          },
        ],
        build: {
          ssr: resolve(root, 'src/first-frame.tsx'),
          outDir: resolve(__dirname, 'out/first-frame'),
          emptyOutDir: true,
          // src/renderer/public (the page's loader) is the page's, not the server's.
          copyPublicDir: false,
          target: 'node20',
          minify: true,
          rolldownOptions: {
            // What pages load on demand (the charts, zod and the Settings form) stays in chunks
            // of its own, which the server never loads.
            output: {
              format: 'cjs',
              entryFileNames: '[name].cjs',
              chunkFileNames: '[name]-[hash].cjs',
              charset: 'ascii',
            },
            // React's packages mark their modules 'use client', which means nothing here.
            onwarn(warning, warn) {
              if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning)
            },
          },
        },
      })
    },
  }
}

export default defineConfig({
  main: {
    build: {
      // The CLI is built beside the Electron entry so both share one bundle of the core; it runs
      // on plain Node, so the syntax target is the oldest Node we support, not Electron's.
      target: 'node20',
      externalizeDeps: { exclude: ['dockerode', 'docker-modem', 'zod', 'commander'] },
      rollupOptions: {
        // Every other package stays in node_modules, including what dockerode and docker-modem
        // load lazily. commander is bundled so that V8's code cache holds it too
        // (bin/compile-cache.js).
        // The packages swapped for stand-ins are required only where they are swapped, so they
        // are not external: the stand-ins take their place (lazyDockerInternals).
        external: [
          /^(?!(dockerode|docker-modem|zod|commander|debug|tar-fs|@balena\/dockerignore)(\/|$))[@a-z]/,
        ],
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/index.ts'),
        },
        // One non-ASCII character (a dash in a message or a doc comment) makes V8 hold a whole
        // file as a two-byte string: the 687 kB run chunk then took 1.4 MB, and reading the CLI's
        // chunks ~900 page faults, ~12 ms of every command. Escaped, and without the doc
        // comments nobody reads at run time (licences stay), each chunk is a one-byte string.
        output: { charset: 'ascii', comments: { legal: true, annotation: true, jsdoc: false } },
      },
    },
    plugins: [lazyDockerInternals()],
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      minify: true,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        output: {
          // Libraries change less often than Drydock's own code, and the charts are the bulk:
          // separate chunks keep each one small and cacheable.
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
              // The tables use it too: kept out of the charts, which load after the first paint
              // (a group takes its modules' dependencies along unless another group has them).
              { name: 'external-store', test: /node_modules[\\/]use-sync-external-store[\\/]/ },
              {
                name: 'charts',
                test: /node_modules[\\/](recharts|d3-[^\\/]+|victory-vendor|@reduxjs|redux|immer|reselect|es-toolkit|decimal\.js-light|eventemitter3|internmap|react-redux)[\\/]/,
              },
              { name: 'table', test: /node_modules[\\/]@tanstack[\\/]/ },
              // Only the Settings form needs it in the window (tests/e2e/browser-mode.spec.ts).
              { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
              { name: 'vendor', test: /node_modules/ },
            ],
          },
        },
      },
    },
    plugins: [react(), firstFrameBuild()],
  },
})
