#!/usr/bin/env node
// `npm run bench:db`: the log database benchmark of issue 4.
//
//   node scripts/bench/db.mjs [--reps 7] [--days 365] [--runs 2000] [--items 50]
//                             [--db PATH] [--keep]
//
// Builds a log the way Drydock fills one, then times what the History page and the CLI need
// from it. The store code is the real TypeScript in src/core/store, loaded through Vite's module
// runner (`runnerImport`, from the pinned vite devDependency: the same transform electron-vite
// builds with). The built out/main cannot be used: the store is bundled into index.js/cli.js
// and their chunks, and nothing there exports it.
//
// The log (in a temp dir, removed at the end unless --keep; or PATH with --db, reused if it
// exists):
//  - a year of usage samples at the default 15-minute interval, recorded one by one through
//    UsageStore.record with a clock that moves with them, so retention prunes raw samples and
//    hourly roll-ups as it does in a running app;
//  - 2,000 runs of 50 items (100,000 items) through RunJournal's normal API: startRun (the run
//    and its planned items in one transaction), recordItem for each item (one commit each, as
//    the executor does), finishRun. Items carry realistic IDs, tags and digests.
//
// Measured, each in a fresh Node process (cold: nothing prepared, no SQLite page cache of its
// own; the OS file cache stays warm, as it is when the app starts twice in a row), median and
// range of --reps processes:
//  - open: openDatabase(path), which sets WAL and the pragmas, reads the schema and checks
//    the migrations;
//  - newest 50 runs: new RunJournal(db) + listRuns({ limit: 50 }), statement preparation
//    included;
//  - 90-day series: new UsageStore(db) + series({ last 90 days, maxPoints: 500 });
//  - plus, for information, a run's detail (getRun of a 50-item run) and each query again warm.
// Targets (issue 4): each timed step < 20 ms; the file < 50 MB.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const HERE = fileURLToPath(import.meta.url)
const REPO = resolve(dirname(HERE), '../..')
const STORE = join(REPO, 'src/core/store/index.ts')
const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS
const SAMPLE_INTERVAL_MS = 15 * MINUTE_MS
const HOST = 'unix:///var/run/docker.sock'
const TARGET_MS = 20
const TARGET_FILE_MB = 50
const WARM_REPEATS = 20

const log = (message) => process.stderr.write(`bench:db: ${message}\n`)

async function loadStore() {
  const { runnerImport } = await import('vite')
  const { module } = await runnerImport(STORE, { configFile: false, logLevel: 'silent' })
  return module
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

const hex = (n, salt) => (BigInt(n) * 2654435761n + BigInt(salt)).toString(16).padStart(64, '0')

/** Fills the log as a year of Drydock would; `now` is when the last sample was taken. */
function buildLog(store, path, { days, runs, items, now }) {
  const opened = store.openDatabase(path)
  try {
    const usage = new store.UsageStore(opened.db)
    const samples = (days * DAY_MS) / SAMPLE_INTERVAL_MS
    const first = now - (samples - 1) * SAMPLE_INTERVAL_MS
    let started = performance.now()
    for (let k = 0; k < samples; k++) {
      const wave = Math.sin(k / 500)
      usage.record({
        host: HOST,
        at: new Date(first + k * SAMPLE_INTERVAL_MS),
        imagesBytes: 40e9 + 10e9 * wave + k * 1_000,
        containersBytes: 2e9 + 1e9 * Math.cos(k / 97),
        volumesBytes: 15e9 + k * 10,
        buildCacheBytes: 5e9 * Math.abs(wave),
        freeBytes: 120e9 - 10e9 * wave,
        totalBytes: 500e9,
      })
    }
    log(`recorded ${samples} usage samples in ${Math.round(performance.now() - started)} ms`)

    // Runs spread over the year, each a few seconds long; the clock is the journal's own.
    let clock = first
    const journal = new store.RunJournal(opened.db, () => new Date(clock))
    const spacing = Math.floor((days * DAY_MS) / runs)
    started = performance.now()
    for (let r = 0; r < runs; r++) {
      clock = first + r * spacing
      const runItems = Array.from({ length: items }, (_, i) => {
        const n = r * items + i
        const repo = `registry.example.com/team-${n % 37}/service-${n % 211}`
        const tags = i % 10 === 3 ? [] : [`${repo}:build-${n}`]
        return {
          kind: 'image',
          id: `sha256:${hex(n, 1)}`,
          name: tags[0] ?? `<none> ${hex(n, 1).slice(0, 12)}`,
          tags,
          digests: i % 10 === 3 ? [] : [`${repo}@sha256:${hex(n, 2)}`],
          predictedAction: i % 17 === 0 ? 'untag' : 'delete',
          predictedBytes: 1_000_000 + ((n * 7919) % 500_000_000),
        }
      })
      const id = journal.startRun({
        trigger: ['manual', 'schedule', 'threshold', 'cli', 'tray'][r % 5],
        mode: 'safe',
        selection: { unused: true, unusedFor: '30d', protect: ['postgres:*'] },
        engineHost: HOST,
        engineId: 'BENCH:ENGINE:ID',
        predictedBytes: runItems.reduce((sum, item) => sum + item.predictedBytes, 0),
        items: runItems,
      })
      let reclaimed = 0
      runItems.forEach((item, seq) => {
        clock += 20
        journal.startItem(id, seq)
        const failed = seq % 49 === 48
        const bytes = failed || item.predictedAction === 'untag' ? 0 : item.predictedBytes
        reclaimed += bytes
        journal.recordItem(id, seq, {
          outcome: failed ? 'failed' : item.predictedAction === 'untag' ? 'untagged' : 'deleted',
          reclaimedBytes: bytes,
          error: failed ? 'conflict: unable to delete (must be forced)' : null,
        })
      })
      journal.finishRun(id, { status: r % 3 === 0 ? 'partial' : 'done', reclaimedBytes: reclaimed })
    }
    log(
      `journaled ${runs} runs, ${runs * items} items in ${Math.round(performance.now() - started)} ms`,
    )

    const count = (sql) => opened.db.prepare(sql).pluck().get()
    return {
      rawSamples: count('SELECT count(*) FROM usage_samples'),
      hourlyRollups: count("SELECT count(*) FROM usage_rollups WHERE resolution = 'hour'"),
      dailyRollups: count("SELECT count(*) FROM usage_rollups WHERE resolution = 'day'"),
      runs: count('SELECT count(*) FROM runs'),
      runItems: count('SELECT count(*) FROM run_items'),
    }
  } finally {
    opened.close()
  }
}

/** One cold process's figures, printed as JSON on stdout (the --measure mode). */
async function measureOnce(path, now) {
  const store = await loadStore()
  const ms = (work) => {
    const started = performance.now()
    const result = work()
    return [performance.now() - started, result]
  }
  const seriesQuery = {
    host: HOST,
    from: new Date(now - 90 * DAY_MS),
    to: new Date(now),
    maxPoints: 500,
    now: new Date(now),
  }
  const [openMs, opened] = ms(() => store.openDatabase(path))
  try {
    const [listMs, page] = ms(() => new store.RunJournal(opened.db).listRuns({ limit: 50 }))
    const [seriesMs, series] = ms(() => new store.UsageStore(opened.db).series(seriesQuery))
    const journal = new store.RunJournal(opened.db)
    const [detailMs, detail] = ms(() => journal.getRun(page[0].id))
    const usage = new store.UsageStore(opened.db)
    const warm = (work) => median(Array.from({ length: WARM_REPEATS }, () => ms(work)[0]))
    const result = {
      openMs,
      listMs,
      seriesMs,
      detailMs,
      listWarmMs: warm(() => journal.listRuns({ limit: 50 })),
      seriesWarmMs: warm(() => usage.series(seriesQuery)),
      detailWarmMs: warm(() => journal.getRun(page[0].id)),
      listed: page.length,
      points: series.points.length,
      resolution: series.resolution,
      detailItems: detail.items.length,
    }
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    opened.close()
  }
}

function runChild(path, now) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [HERE, '--measure', path, '--now', String(now)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`measuring process exited with ${code}`))
      else resolvePromise(JSON.parse(out.trim().split('\n').pop()))
    })
  })
}

function fileBytes(path) {
  return ['', '-wal', '-shm']
    .map((suffix) => path + suffix)
    .filter((file) => existsSync(file))
    .reduce((sum, file) => sum + statSync(file).size, 0)
}

function printTable(rows) {
  const header = ['figure', 'median', 'min–max', 'target', 'result']
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i].length)),
  )
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ')
  console.log(line(header))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of rows) console.log(line(row))
}

async function main() {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '7' },
      days: { type: 'string', default: '365' },
      runs: { type: 'string', default: '2000' },
      items: { type: 'string', default: '50' },
      db: { type: 'string' },
      keep: { type: 'boolean', default: false },
      measure: { type: 'string' },
      now: { type: 'string' },
    },
  })
  if (values.measure) return measureOnce(values.measure, Number(values.now))

  const reps = Number(values.reps)
  const dir = values.db ? null : mkdtempSync(join(tmpdir(), 'dd-bench-db-'))
  const path = values.db ? resolve(values.db) : join(dir, 'drydock.sqlite')
  // Whole minutes: the same `now` reaches the measuring processes exactly.
  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS
  try {
    let counts = null
    if (values.db && existsSync(path)) {
      log(`reusing ${path} (its samples end when it was built; the series may cover less)`)
    } else {
      const store = await loadStore()
      counts = buildLog(store, path, {
        days: Number(values.days),
        runs: Number(values.runs),
        items: Number(values.items),
        now,
      })
    }
    const bytes = fileBytes(path)

    const results = []
    for (let rep = 0; rep < reps; rep++) results.push(await runChild(path, now))
    const figure = (key) => results.map((result) => result[key])
    const ms = (value) => `${value.toFixed(2)} ms`
    const timedRow = (name, key, target) => {
      const values = figure(key)
      const middle = median(values)
      return [
        name,
        ms(middle),
        `${ms(Math.min(...values))}–${ms(Math.max(...values))}`,
        target ? `< ${TARGET_MS} ms` : '',
        target ? (middle < TARGET_MS ? 'pass' : 'MISS') : '',
      ]
    }
    const sample = results[0]
    if (counts) log(`log: ${JSON.stringify(counts)}`)
    log(
      `each process listed ${sample.listed} runs, a ${sample.resolution} series of ` +
        `${sample.points} points, a run of ${sample.detailItems} items; ${reps} processes`,
    )
    const megabytes = bytes / 1e6
    printTable([
      timedRow('open (openDatabase, cold process)', 'openMs', true),
      timedRow('newest 50 runs (first call)', 'listMs', true),
      timedRow('90-day usage series, 500 points (first call)', 'seriesMs', true),
      timedRow('run detail, 50 items (first call)', 'detailMs', false),
      timedRow('newest 50 runs (warm)', 'listWarmMs', false),
      timedRow('90-day usage series (warm)', 'seriesWarmMs', false),
      timedRow('run detail (warm)', 'detailWarmMs', false),
      [
        'file size',
        `${megabytes.toFixed(1)} MB`,
        '',
        `< ${TARGET_FILE_MB} MB`,
        megabytes < TARGET_FILE_MB ? 'pass' : 'MISS',
      ],
    ])
    if (values.keep || values.db) log(`log kept at ${path}`)
  } finally {
    if (dir && !values.keep) rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
