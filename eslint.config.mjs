// Lint rules, including the layering of docs/architecture.md, one fence per layer (in the spirit
// of VS Code's import patterns). tests/unit/layering.test.ts proves each fence fails on a
// violating import.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const NODE_BUILTINS = ['node:*', ...builtinModules.filter((name) => !name.startsWith('_'))]
const ENGINE_AND_LOG = ['dockerode', 'docker-modem', 'better-sqlite3']

/**
 * One `no-restricted-imports` rule: each entry refuses some imports with its reason. Names of
 * packages and built-ins match exactly (so a file `./http` is not the `http` module); anything
 * with a `*` is a gitignore-style pattern on the import string.
 */
function fence(groups) {
  const paths = []
  const patterns = []
  for (const [names, message] of groups) {
    const exact = names.filter((name) => !name.includes('*'))
    const globs = names.filter((name) => !exact.includes(name))
    for (const name of exact) paths.push({ name, message })
    if (globs.length > 0) patterns.push({ group: globs, message })
  }
  return { 'no-restricted-imports': ['error', { paths, patterns }] }
}

const ELECTRON = 'Only src/main/index.ts, src/main/shell/** and src/preload/** may import electron.'

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      '.cache/**',
      'test-results/**',
      'playwright-report/**',
      'artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  // src/shared: the contract. Pure: it runs in the renderer, the preload and Node alike.
  {
    files: ['src/shared/**/*.ts'],
    rules: fence([
      [NODE_BUILTINS, 'src/shared runs in the renderer too: no Node built-ins.'],
      [ENGINE_AND_LOG, 'src/shared holds no engine or database code; that lives in src/core.'],
      [['electron', 'react', 'react-dom'], 'src/shared is free of Electron and React.'],
      [
        ['**/main', '**/main/**', '**/core', '**/core/**', '**/cli/**', '**/web/**'],
        'src/shared imports nothing from the layers that use it.',
      ],
      [
        ['**/renderer/**', '**/preload/**'],
        'src/shared imports nothing from the layers that use it.',
      ],
    ]),
  },
  // src/core: plain Node, run by the app, the CLI and browser mode.
  {
    files: ['src/core/**/*.ts'],
    rules: fence([
      [['electron'], `src/core is Electron-free. ${ELECTRON}`],
      [
        ['**/main', '**/main/**', '**/shell/**'],
        'src/core never imports the Electron shell; the shell wraps the core.',
      ],
      [
        ['**/cli/**', '**/web/**', '**/renderer/**', '**/preload/**'],
        'src/core never imports its transports or UIs; they import the core.',
      ],
      [['react', 'react-dom'], 'src/core has no UI.'],
    ]),
  },
  // The transports that are not Electron: the CLI and browser mode.
  {
    files: ['src/cli/**/*.ts', 'src/web/**/*.ts'],
    rules: fence([
      [['electron'], ELECTRON],
      [
        ['**/main', '**/main/**', '**/renderer/**', '**/preload/**'],
        'The CLI and browser mode use src/core and src/shared only.',
      ],
    ]),
  },
  // The shell may import electron; it reaches the domain through src/core.
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    rules: fence([
      [
        ['**/cli/**', '**/web/**', '**/renderer/**'],
        'The shell does not import other transports or the UI.',
      ],
    ]),
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...fence([
        [
          [
            '**/main',
            '**/main/**',
            '**/core',
            '**/core/**',
            '**/cli/**',
            '**/web/**',
            '**/preload/**',
          ],
          'The renderer imports only src/shared and its own files.',
        ],
        [
          [...NODE_BUILTINS, ...ENGINE_AND_LOG],
          'The renderer runs in a sandboxed page: no Node, no engine, no database.',
        ],
        [['electron'], 'The renderer never imports electron.'],
      ]),
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.{js,mjs,cjs}', 'src/**/*.cjs'],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Served as they are to the page (browser mode's first-frame loader).
  {
    files: ['src/renderer/public/**/*.js'],
    languageOptions: { globals: globals.browser, sourceType: 'script' },
  },
)
