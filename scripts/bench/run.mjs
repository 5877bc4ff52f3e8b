#!/usr/bin/env node
// `npm run bench`: the performance benchmark of issue 3 (targets and figures: docs/performance.md).
//
// Builds one world of images, containers (some stopped with data in their writable layer) and
// BuildKit build cache on two private engines (A for drydock, B for docker's own prunes — a
// prune is destructive, so each contender needs its own identical world), then measures on A the
// floor (the raw requests a plan needs), drydock plan cold and warm (--unused and --system),
// docker system df -v, how soon a plan on a terminal prints, and finally drydock clean on A
// against docker on B: `clean --unused` vs `image prune -a`, then, on what both left,
// `clean --system --unused` vs `system prune -a`.
//
//   node scripts/bench/run.mjs [--images 2000] [--containers 300] [--started 5] [--reps 5]
//                              [--exited 20] [--builds 10]
//                              [--quick] [--build] [--no-profile] [--keep-engines]
//                              [--clean-floor] [--clean-floor-concurrency 8] [--clean-reps 3]
//
// --exited N     containers that ran once and wrote 256 kB into their writable layer
// --builds N     BuildKit builds (/usr/bin/docker, DOCKER_BUILDKIT=1) on world images
// --quick        a 200-image, 30-container world and 3 repetitions, to try changes fast
// --build        run `npx electron-vite build` first (otherwise out/main as it is; a warning
//                says when it is older than src/)
// --no-profile   skip the traced and --cpu-prof runs that explain where plan's time goes
// --clean-floor  also build world C and time there the plan's raw DELETE requests alone
//                (clean-floor.mjs), splitting clean's cost into what the requests cost anyway and
//                what drydock adds; sent from 8 workers like the executor (src/core/cleaner/
//                executor.ts: CONCURRENCY), or N with --clean-floor-concurrency (1 = one by one)
// --clean-reps N each destructive pair (clean vs image prune, clean --system vs system prune) runs
//                N times on the same worlds, saved once and put back before each further run (default 3)
//
// Prints the tables to stdout (progress to stderr) and writes artifacts/bench/latest.json,
// artifacts/bench/<images>-images.json and the printed tables as <images>-images.txt. Exits 0
// whatever the verdicts; 1 only when the benchmark itself broke.
import { execFile, spawn } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { buildWorldImages, readBusybox } from './archive.mjs'
import { buildWorld } from './build-world.mjs'
import { prepareCli, REPO } from './cli.mjs'
import { Engine } from './engine.mjs'
import { firstPaintTable, measureFirstPaint } from './first-paint.mjs'
import { measureLongLived } from './long-lived.mjs'
import { checkExit, median, repeat, summary, timed } from './measure.mjs'
import { phasesOf, readProfile, summarizeProfile, topBuckets } from './profile.mjs'
import * as report from './report.mjs'
import { settle } from './settle.mjs'
import { worldSpec } from './world.mjs'
import { addBuildKitBuilds, addExitedContainers } from './world-extras.mjs'

const FLOOR_SCRIPT = join(REPO, 'scripts/bench/floor.mjs')
const CLEAN_FLOOR_SCRIPT = join(REPO, 'scripts/bench/clean-floor.mjs')
const TRACE_PRELOAD = join(REPO, 'scripts/bench/trace-preload.cjs')
const log = (message) => process.stderr.write(`bench: ${message}\n`)

function options() {
  const { values } = parseArgs({
    options: {
      images: { type: 'string' },
      containers: { type: 'string' },
      started: { type: 'string' },
      reps: { type: 'string' },
      exited: { type: 'string' },
      builds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      'keep-engines': { type: 'boolean', default: false },
      'clean-floor': { type: 'boolean', default: false },
      'clean-floor-concurrency': { type: 'string' },
      'clean-reps': { type: 'string' },
      'dir-a': { type: 'string', default: '/tmp/dd-bench-a' },
      'dir-b': { type: 'string', default: '/tmp/dd-bench-b' },
      'dir-c': { type: 'string', default: '/tmp/dd-bench-c' },
    },
  })
  // The issue's world by default.
  const defaults = values.quick
    ? { images: 200, containers: 30, started: 3, exited: 5, builds: 3, reps: 3 }
    : { images: 2000, containers: 300, started: 5, exited: 20, builds: 10, reps: 5 }
  defaults['clean-floor-concurrency'] = 8
  defaults['clean-reps'] = 3
  const number = (name) => {
    const value = values[name] === undefined ? defaults[name] : Number(values[name])
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`)
    return value
  }
  return {
    images: number('images'),
    containers: number('containers'),
    started: number('started'),
    exited: number('exited'),
    builds: number('builds'),
    reps: Math.max(1, number('reps')),
    cleanReps: Math.max(1, number('clean-reps')),
    build: values.build,
    profile: !values['no-profile'],
    keepEngines: values['keep-engines'],
    cleanFloor: values['clean-floor'],
    cleanFloorConcurrency: Math.max(1, number('clean-floor-concurrency')),
    dirs: [values['dir-a'], values['dir-b'], ...(values['clean-floor'] ? [values['dir-c']] : [])],
  }
}

async function main() {
  const opts = options()
  const cli = await prepareCli({ build: opts.build, log })
  if (cli.warning) log(`warning: ${cli.warning}`)
  const engines = opts.dirs.map((dir) => new Engine(dir))
  const work = await mkdtemp(join(tmpdir(), 'dd-bench-work-'))
  let interrupted = false
  const cleanup = async () => {
    if (opts.keepEngines) {
      log(`engines kept: ${engines.map((e) => e.host).join(', ')}`)
      log(
        `saved worlds kept too (where the pairs ran more than once): ${engines.map((e) => e.savedDir).join(', ')}`,
      )
    } else {
      log('stopping the engines and deleting their directories')
      await Promise.allSettled(engines.map((engine) => engine.destroy()))
    }
    await rm(work, { recursive: true, force: true })
    await cli.remove()
  }
  process.once('SIGINT', () => {
    interrupted = true
    log('interrupted; cleaning up')
    void cleanup().finally(() => process.exit(130))
  })
  // A throw inside some stream handler must not leave engines running behind us.
  process.once('uncaughtException', (error) => {
    interrupted = true
    log(`failed: ${error.stack ?? error}`)
    void cleanup().finally(() => process.exit(1))
  })

  try {
    const bench = { opts, cli, engines, work, dbDir: join(work, 'db') }
    await mkdir(bench.dbDir)
    const world = await buildWorlds(bench)
    // The engines and the machine finish the build's work first (load average 7.8 when the run
    // of 2026-12-01 02:12 began measuring right after it).
    log(await settle())
    const loadBefore = loadavg()
    const startup = await measureStartup(bench)
    const planning = await measurePlanning(bench)
    const firstOutput = await measureFirstOutput(bench)
    const longLived = await measureServe(bench)
    const firstPaint = await measureDashboardFirstPaint(bench)
    if (longLived) longLived.floorWarm = await longLivedFloor(bench)
    const explain = opts.profile ? await explainPlan(bench) : null
    const cleaning = await measureClean(bench, planning)
    if (interrupted) return 130
    const results = {
      when: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGb: totalmem() / 2 ** 30,
        node: process.version,
        // Other work on the machine skews every figure: the load when measuring began and ended.
        loadAverage: { measuringStarted: loadBefore, finished: loadavg() },
      },
      cli: { builtAt: cli.builtAt, warning: cli.warning, git: cli.git },
      options: opts,
      world,
      startup,
      floor: planning.floor,
      plan: planning.plan,
      longLived,
      firstPaint,
      systemDf: planning.systemDf,
      firstOutput,
      cpu: { ...planning.cpu, ...cleaning.cpu },
      engineCpu: planning.engineCpu,
      clean: cleaning.clean,
      rss: { ...planning.rss, clean: cleaning.rssMb },
      sanity: cleaning.sanity,
      explain,
    }
    results.verdicts = verdicts(results)
    const printed = report.fullReport(
      results,
      results.firstPaint ? firstPaintTable(results.firstPaint) : null,
    )
    await writeResults(results, printed)
    process.stdout.write(`${printed}\n`)
    return 0
  } finally {
    if (!interrupted) await cleanup()
  }
}

/** The drydock command line against engine A. */
function drydockArgs(bench, args) {
  return [bench.cli.bin, '--host', bench.engines[0].host, ...args]
}

// --- worlds -----------------------------------------------------------------------------------

async function buildWorlds({ opts, engines }) {
  // A leftover engine from an aborted run would hold an unknown world: start from nothing.
  await Promise.all(engines.map((engine) => engine.destroy()))
  log(`starting private engines in ${engines.map((engine) => engine.dir).join(', ')}`)
  await Promise.all(engines.map((engine) => engine.start()))

  const generated = performance.now()
  const spec = worldSpec(opts)
  const busybox = readBusybox()
  if (!busybox) log('warning: no static /bin/busybox; containers are created but none started')
  const built = buildWorldImages(spec, { busybox })
  const generateMs = performance.now() - generated
  const containers = busybox
    ? spec.containers
    : spec.containers.map((c) => ({ ...c, start: false }))
  log(
    `generated ${built.images.length} images, ${built.layers.size} layers in ${report.ms(generateMs)}`,
  )

  // All worlds at once: loading is mostly dockerd re-exec'ing itself once per layer, which
  // leaves the other engines room; measuring starts only once every engine is idle again.
  const worlds = await Promise.all(
    engines.map(async (engine, index) => {
      const say = (message) => log(`${'ABC'[index]}: ${message}`)
      const world = await buildWorld(engine, built, containers, say)
      // The rest of the whole disk: stopped containers with data, BuildKit's cache.
      const extrasStarted = performance.now()
      world.exited = busybox
        ? (await addExitedContainers(engine, built.images, { count: opts.exited, kb: 256 })).count
        : 0
      world.builds = await addBuildKitBuilds(engine, built.images, { count: opts.builds, kb: 64 })
      say(
        `${world.exited} containers ran and exited with data, ${world.builds.builds} BuildKit builds ` +
          `(${world.builds.records ?? 0} cache records${world.builds.skipped ? `; ${world.builds.skipped}` : ''})`,
      )
      world.totalMs += performance.now() - extrasStarted
      return world
    }),
  )
  return {
    images: built.images.length,
    tagged: built.images.filter((image) => image.tags.length > 0).length,
    untagged: built.images.filter((image) => image.tags.length === 0).length,
    multiTagged: built.images.filter((image) => image.tags.length > 1).length,
    tags: built.images.reduce((total, image) => total + image.tags.length, 0),
    layers: built.layers.size,
    baseLayers: spec.baseCount,
    midLayers: spec.midCount,
    containers: containers.length + worlds[0].exited,
    running: worlds[0].running,
    exited: worlds[0].exited,
    builds: worlds[0].builds.builds,
    buildCacheRecords: worlds[0].builds.records ?? 0,
    buildsSkipped: worlds[0].builds.skipped ?? null,
    imagesUsedByContainers: new Set(containers.map((c) => c.image.index)).size,
    generateMs,
    buildMs: worlds.map((w) => w.totalMs),
    loadMs: worlds.map((w) => w.loadMs),
    storageDriver: engines[0].driver,
  }
}

// --- start-up baselines -----------------------------------------------------------------------

/** The environment without NODE_EXTRA_CA_CERTS (see measureStartup). */
function envWithoutExtraCa() {
  const env = { ...process.env }
  delete env.NODE_EXTRA_CA_CERTS
  return env
}

async function runsWithout(bench, args) {
  return summary(
    await repeat(bench.opts.reps, async () => {
      return checkExit(await timed('node', args, { env: envWithoutExtraCa() }), 'node').ms
    }),
  )
}

async function measureStartup(bench) {
  log('measuring Node start-up baselines')
  const runs = async (args) =>
    summary(
      await repeat(bench.opts.reps, async () => {
        return checkExit(await timed('node', args), `node ${args.join(' ')}`).ms
      }),
    )
  return {
    node: await runs(['-e', '0']),
    // Node 20 parses NODE_EXTRA_CA_CERTS (and with it OpenSSL's whole bundle) at boot, before any
    // script runs: shown apart where it is set, so that the part of every figure that is this
    // machine's environment and not Drydock can be told.
    ...(process.env.NODE_EXTRA_CA_CERTS
      ? { nodeWithoutExtraCa: await runsWithout(bench, ['-e', '0']) }
      : {}),
    requireCli: await runs(['-e', `require(${JSON.stringify(bench.cli.bundle)})`]),
    version: await runs([bench.cli.bin, '--version']),
  }
}

// --- floor, plan, system df -------------------------------------------------------------------

async function measurePlanning(bench) {
  const engine = bench.engines[0]
  const floorRun = async (mode) => {
    const result = checkExit(await timed('node', [FLOOR_SCRIPT, engine.socketPath, mode]), 'floor')
    const answer = JSON.parse(result.stdout)
    return {
      requests: answer.ms, // the requests alone
      process: result.ms, // the whole Node process
      cpuMs: result.cpuMs,
      count: answer.requests,
      bytes: answer.bytes,
      latencies: answer.latencies,
    }
  }
  const planRun = async (db, selection = ['--unused'], env = undefined) => {
    const args = drydockArgs(bench, ['--db', db, 'plan', ...selection, '--json'])
    const engineBefore = engine.cpuMs()
    const result = checkExit(await timed('node', args, { env }), 'drydock plan')
    return {
      ms: result.ms,
      rssMb: result.rssMb,
      cpuMs: result.cpuMs,
      engineCpuMs: engine.cpuMs() - engineBefore,
      plan: JSON.parse(result.stdout),
    }
  }
  const dfRun = async () => {
    const engineBefore = engine.cpuMs()
    const result = await timed('docker', ['-H', engine.host, 'system', 'df', '-v'])
    return {
      ...checkExit(result, 'docker system df -v'),
      engineCpuMs: engine.cpuMs() - engineBefore,
    }
  }

  // The first run of anything pays for cold page caches (node_modules, the engine's metadata).
  log('warming up (one floor and one plan, not counted)')
  await floorRun('cold')
  await planRun(join(bench.dbDir, 'warmup.sqlite'))

  // Interleaved, so drift in the machine's load hits every contender alike.
  const s = {
    floorCold: [],
    floorWarm: [],
    planCold: [],
    planWarm: [],
    planWarmNoExtraCa: [],
    planSystem: [],
    df: [],
  }
  const extraCa = Boolean(process.env.NODE_EXTRA_CA_CERTS)
  for (let rep = 0; rep < bench.opts.reps; rep++) {
    log(`repetition ${rep + 1}/${bench.opts.reps}`)
    bench.lastDb = join(bench.dbDir, `plan-${rep}.sqlite`)
    s.floorCold.push(await floorRun('cold'))
    s.planCold.push(await planRun(bench.lastDb)) // fresh file: cold
    s.floorWarm.push(await floorRun('warm'))
    s.planWarm.push(await planRun(bench.lastDb)) // same file again: warm
    s.planSystem.push(await planRun(bench.lastDb, ['--system'])) // warm, every kind
    // Explains, never replaces, the warm figure: the same plan without Node's boot-time CA work.
    if (extraCa)
      s.planWarmNoExtraCa.push(await planRun(bench.lastDb, undefined, envWithoutExtraCa()))
    s.df.push(await dfRun())
  }

  const plan = s.planCold.at(-1).plan
  const same = (run) =>
    run.plan.reclaimBytes === plan.reclaimBytes && run.plan.items.length === plan.items.length
  const systemPlan = s.planSystem.at(-1).plan
  const sameSystem = (run) =>
    run.plan.reclaimBytes === systemPlan.reclaimBytes &&
    run.plan.items.length === systemPlan.items.length
  const samePlan =
    s.planCold.every(same) && s.planWarm.every(same) && s.planSystem.every(sameSystem)
  if (!samePlan) log('warning: the plans of the repetitions differ')
  const stat = (list, key) => summary(list.map((run) => run[key]))
  return {
    lastPlan: plan,
    floor: {
      cold: {
        requests: stat(s.floorCold, 'requests'),
        process: stat(s.floorCold, 'process'),
        requestCount: s.floorCold[0].count,
        responseBytes: s.floorCold[0].bytes,
      },
      warm: {
        requests: stat(s.floorWarm, 'requests'),
        process: stat(s.floorWarm, 'process'),
        requestCount: s.floorWarm[0].count,
        responseBytes: s.floorWarm[0].bytes,
        // Median latency of each of the four requests, sent together as the CLI sends them.
        latencies: Object.fromEntries(
          Object.keys(s.floorWarm[0].latencies).map((path) => [
            path,
            median(s.floorWarm.map((run) => run.latencies[path])),
          ]),
        ),
      },
    },
    plan: {
      cold: stat(s.planCold, 'ms'),
      warm: stat(s.planWarm, 'ms'),
      ...(extraCa ? { warmWithoutExtraCa: stat(s.planWarmNoExtraCa, 'ms') } : {}),
      system: stat(s.planSystem, 'ms'),
      items: plan.items.length,
      actions: countBy(plan.items, (item) => item.action),
      reclaimBytes: plan.reclaimBytes,
      systemItems: countBy(systemPlan.items, (item) => `${item.kind} ${item.action}`),
      systemReclaimBytes: systemPlan.reclaimBytes,
      samePlanEveryRun: samePlan,
    },
    systemDf: stat(s.df, 'ms'),
    // CPU seconds of the client process (user + system), not the engine's.
    cpu: {
      floorCold: median(s.floorCold.map((run) => run.cpuMs)),
      floorWarm: median(s.floorWarm.map((run) => run.cpuMs)),
      planCold: median(s.planCold.map((run) => run.cpuMs)),
      planWarm: median(s.planWarm.map((run) => run.cpuMs)),
      planSystem: median(s.planSystem.map((run) => run.cpuMs)),
      systemDf: median(s.df.map((run) => run.cpuMs)),
    },
    // The engine's CPU for the same commands (dockerd's counters, 10 ms ticks).
    engineCpu: {
      planCold: median(s.planCold.map((run) => run.engineCpuMs)),
      planWarm: median(s.planWarm.map((run) => run.engineCpuMs)),
      planSystem: median(s.planSystem.map((run) => run.engineCpuMs)),
      systemDf: median(s.df.map((run) => run.engineCpuMs)),
    },
    rss: {
      planCold: Math.max(...s.planCold.map((run) => run.rssMb)),
      planWarm: Math.max(...s.planWarm.map((run) => run.rssMb)),
      planSystem: Math.max(...s.planSystem.map((run) => run.rssMb)),
    },
  }
}

/** The warm floor's requests sent again and again from one process: a long-lived floor. */
async function longLivedFloor(bench) {
  const rounds = String(bench.opts.reps + 1)
  const args = [FLOOR_SCRIPT, bench.engines[0].socketPath, 'warm', '16', rounds]
  const answer = JSON.parse(checkExit(await timed('node', args), 'floor').stdout)
  return summary(answer.repeatMs)
}

/** Browser mode's start to the dashboard's first paint (first-paint.mjs); null without a UI. */
async function measureDashboardFirstPaint(bench) {
  log("measuring the dashboard's first paint after browser mode starts")
  try {
    // serve.sqlite holds the long-lived run's samples of engine A: the figures to paint first.
    const engine = bench.engines[0]
    return await measureFirstPaint({
      bin: bench.cli.bin,
      host: engine.host,
      db: join(bench.dbDir, 'serve.sqlite'),
      reps: bench.opts.reps,
      engineCpuMs: () => engine.cpuMs(),
    })
  } catch (error) {
    // It needs the built renderer and Chromium; the rest of the benchmark does not.
    log(`warning: skipped the dashboard's first paint: ${error.message}`)
    return null
  }
}

/** Plan in an already-running process (long-lived.mjs); null when serve cannot start. */
async function measureServe(bench) {
  log('measuring plan inside a long-lived process (drydock serve)')
  try {
    const db = join(bench.dbDir, 'serve.sqlite')
    return await measureLongLived(bench.cli.bin, bench.engines[0].host, db, bench.opts.reps)
  } catch (error) {
    // serve needs the built renderer (out/renderer); the rest of the benchmark does not.
    log(`warning: skipped the long-lived measurement: ${error.message}`)
    return null
  }
}

// --- first useful output ----------------------------------------------------------------------

/** The progress line a plan prints while it reads layer facts cold (src/cli/plan-progress.ts). */
const PROGRESS_LINE = /(\d[\d,]*) of (\d[\d,]*) images/g

/**
 * `drydock plan --unused` as a person types it: in a pseudo-terminal (util-linux `script`), so it
 * prints its table, not JSON. Traced (trace-preload.cjs) for the moment of the engine's first
 * answer and of the first byte on stdout, both on the command's own clock; and timed from the
 * spawn to the first byte the terminal shows. Warm (the --db the plans filled) and cold (a fresh
 * --db, where a progress line must show while layer facts are read).
 */
async function measureFirstOutput(bench) {
  if (!(await commandExists('script'))) {
    log('warning: no `script` (util-linux): first output not measured')
    return null
  }
  log('measuring the first output of a plan in a terminal')
  const one = async (db) => {
    const file = join(bench.work, 'trace-tty.json')
    await rm(file, { force: true })
    const result = await inTerminal(
      ['node', '-r', TRACE_PRELOAD, ...drydockArgs(bench, ['--db', db, 'plan', '--unused'])],
      { ...process.env, DRYDOCK_BENCH_TRACE: file },
    )
    if (result.code !== 0)
      throw new Error(`plan in a terminal exited ${result.code}: ${result.output.slice(-500)}`)
    const trace = JSON.parse(await readFile(file, 'utf8'))
    const progress = [...result.output.matchAll(PROGRESS_LINE)]
    return {
      afterFirstAnswer: trace.firstStdout - trace.firstResponse,
      firstAnswer: trace.firstResponse,
      firstStdout: trace.firstStdout,
      spawnToFirstByte: result.firstByteMs,
      wallMs: result.ms,
      progressUpdates: progress.length,
      progressTotal: progress.length > 0 ? progress.at(-1)[2] : null,
    }
  }
  const warm = []
  const cold = []
  for (let rep = 0; rep < bench.opts.reps; rep++) {
    warm.push(await one(bench.lastDb))
    cold.push(await one(join(bench.dbDir, `tty-cold-${rep}.sqlite`)))
  }
  const stat = (runs, key) => summary(runs.map((run) => run[key]))
  return {
    warm: {
      afterFirstAnswer: stat(warm, 'afterFirstAnswer'),
      firstAnswer: stat(warm, 'firstAnswer'),
      spawnToFirstByte: stat(warm, 'spawnToFirstByte'),
      wall: stat(warm, 'wallMs'),
    },
    cold: {
      afterFirstAnswer: stat(cold, 'afterFirstAnswer'),
      spawnToFirstByte: stat(cold, 'spawnToFirstByte'),
      wall: stat(cold, 'wallMs'),
      // Every cold run must show it; the fewest updates any run showed.
      progressShown: cold.every((run) => run.progressUpdates > 0),
      progressUpdates: Math.min(...cold.map((run) => run.progressUpdates)),
      progressTotal: cold[0].progressTotal,
    },
  }
}

/** Runs `argv` in a pseudo-terminal; resolves with its output, exit code, wall time and the time
 * from the spawn to the first byte the terminal showed. */
function inTerminal(argv, env) {
  const quote = (word) => `'${String(word).replaceAll("'", "'\\''")}'`
  const started = performance.now()
  const child = spawn('script', ['-q', '-f', '-e', '-c', argv.map(quote).join(' '), '/dev/null'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let firstByteMs = null
  const chunks = []
  child.stdout.on('data', (chunk) => {
    firstByteMs ??= performance.now() - started
    chunks.push(chunk)
  })
  child.stderr.resume()
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({
        code,
        ms: performance.now() - started,
        firstByteMs,
        output: Buffer.concat(chunks).toString('utf8'),
      }),
    )
  })
}

async function commandExists(name) {
  try {
    await promisify(execFile)('sh', ['-c', `command -v ${name}`])
    return true
  } catch {
    return false
  }
}

// --- where plan's time goes -------------------------------------------------------------------

/**
 * Separate runs, so instrumentation never touches the timed ones: phase timestamps and request
 * counts from trace-preload.cjs (cold and warm, each rep), then one V8 CPU profile of each.
 */
async function explainPlan(bench) {
  log('tracing phases and profiling plan cold and warm')
  const traced = { cold: [], warm: [] }
  for (let rep = 0; rep < bench.opts.reps; rep++) {
    const db = join(bench.dbDir, `traced-${rep}.sqlite`)
    traced.cold.push(await tracedRun(bench, ['--db', db, 'plan', '--unused', '--json'], 'plan'))
    traced.warm.push(await tracedRun(bench, ['--db', db, 'plan', '--unused', '--json'], 'plan'))
  }
  const profiled = async (name, db) => {
    const dir = join(bench.work, `profile-${name}`)
    const args = drydockArgs(bench, ['--db', db, 'plan', '--unused', '--json'])
    const result = checkExit(
      await timed('node', ['--cpu-prof', '--cpu-prof-dir', dir, ...args]),
      `profiled plan ${name}`,
    )
    const profile = summarizeProfile(await readProfile(dir))
    return { wallMs: result.ms, spanMs: profile.spanMs, top: topBuckets(profile, 3), ...profile }
  }
  const db = join(bench.dbDir, 'profile.sqlite')
  return {
    phases: { cold: medianPhases(traced.cold), warm: medianPhases(traced.warm) },
    requests: { cold: traced.cold[0].requests, warm: traced.warm[0].requests },
    profiles: { cold: await profiled('cold', db), warm: await profiled('warm', db) },
  }
}

/** One drydock run under trace-preload.cjs: its phases, request counts, and the run itself. */
async function tracedRun(bench, args, what) {
  const file = join(bench.work, 'trace.json')
  await rm(file, { force: true })
  const result = await timed('node', ['-r', TRACE_PRELOAD, ...drydockArgs(bench, args)], {
    env: { ...process.env, DRYDOCK_BENCH_TRACE: file },
  })
  // clean exits 1 when some item failed: still a measurement, reported as such.
  if (result.code !== 0 && !(what === 'clean' && result.code === 1)) checkExit(result, what)
  const trace = JSON.parse(await readFile(file, 'utf8'))
  return {
    result,
    wallMs: result.ms,
    phases: { ...phasesOf(trace, result.ms), 'wall time': result.ms },
    requests: trace.requests,
  }
}

function medianPhases(runs) {
  const phases = {}
  for (const name of Object.keys(runs[0].phases)) {
    phases[name] = median(runs.map((run) => run.phases[name]))
  }
  return phases
}

// --- clean vs prune ---------------------------------------------------------------------------

async function measureClean(bench, planning) {
  const [a, b, c] = bench.engines
  // drydock cleans with the --db its plans filled (plan, then clean: how it is used); docker
  // has no cache to warm.
  log('measuring drydock clean on A and docker image prune -a on B')
  const images = (engine) => engine.json('GET', '/images/json?all=1')
  const layerStore = (engine) => diskUsage(join(engine.dataRoot, engine.driver ?? 'overlay2'))
  const [imagesBeforeA, imagesBeforeB] = await Promise.all([images(a), images(b)])
  const [duBeforeA, duBeforeB] = await Promise.all([layerStore(a), layerStore(b)])

  const runs = await repeatedPair(bench, 'clean --unused / image prune -a', {
    drydock: async () => {
      // The log a user's clean starts from has seen the engine before: a `drydock status` (not
      // timed) lets it keep the probe's verdict on the engine's filesystem, as any earlier status
      // or clean of the day would, so the clean's after-run sample is a statfs, not a probe
      // container.
      checkExit(await timed('node', drydockArgs(bench, ['--db', bench.lastDb, 'status'])), 'status')
      // Traced for its requests per endpoint: a few listeners, well under a millisecond in all.
      const cleanArgs = ['--db', bench.lastDb, 'clean', '--unused', '--yes', '--json']
      return tracedRun(bench, cleanArgs, 'clean')
    },
    docker: dockerPrune(b, ['image', 'prune', '-a', '-f']),
  })
  const last = runs.at(-1)
  const clean = JSON.parse(last.drydock.result.stdout)
  const floor = c
    ? await measureCleanFloor(c, planning.lastPlan, bench.opts.cleanFloorConcurrency, bench.work)
    : null

  const [imagesAfterA, imagesAfterB] = await Promise.all([images(a), images(b)])
  const [duAfterA, duAfterB] = await Promise.all([layerStore(a), layerStore(b)])
  const leftA = new Set(imagesAfterA.map((image) => image.Id))
  const leftB = new Set(imagesAfterB.map((image) => image.Id))
  const reported = /Total reclaimed space:\s*(.+)/.exec(last.docker.stdout)
  const system = await measureSystemClean(bench)
  return {
    rssMb: Math.max(...runs.map((run) => run.drydock.result.rssMb), system.rssMb),
    cpu: {
      clean: median(runs.map((run) => run.drydock.result.cpuMs)),
      prune: median(runs.map((run) => run.docker.cpuMs)),
      cleanSystem: system.cpu.clean,
      systemPrune: system.cpu.prune,
      cleanFloor: floor?.cpuMs ?? null,
    },
    clean: {
      cache: 'warm',
      reps: runs.length,
      drydock: summary(runs.map((run) => run.drydock.wallMs)),
      prune: summary(runs.map((run) => run.docker.ms)),
      phases: medianPhases(runs.map((run) => run.drydock)),
      requests: last.drydock.requests,
      floor,
      system,
    },
    sanity: {
      imagesBeforeA: imagesBeforeA.length,
      imagesAfterA: imagesAfterA.length,
      imagesBeforeB: imagesBeforeB.length,
      imagesAfterB: imagesAfterB.length,
      deletedA: imagesBeforeA.length - imagesAfterA.length,
      deletedB: imagesBeforeB.length - imagesAfterB.length,
      sameImagesLeft: leftA.size === leftB.size && [...leftA].every((id) => leftB.has(id)),
      leftOnlyA: [...leftA].filter((id) => !leftB.has(id)).length,
      leftOnlyB: [...leftB].filter((id) => !leftA.has(id)).length,
      outcomes: countBy(clean.items, (item) => item.outcome),
      cleanExitCode: Math.max(...runs.map((run) => run.drydock.result.code)),
      predicted: planning.lastPlan.reclaimBytes,
      cleanPredicted: clean.predictedBytes,
      reclaimedA: clean.reclaimedBytes,
      duBeforeA: duBeforeA.apparent,
      duAfterA: duAfterA.apparent,
      duShrinkA: duBeforeA.apparent - duAfterA.apparent,
      duBeforeB: duBeforeB.apparent,
      duAfterB: duAfterB.apparent,
      duShrinkB: duBeforeB.apparent - duAfterB.apparent,
      fileShrinkA: duBeforeA.layerFiles - duAfterA.layerFiles,
      fileShrinkB: duBeforeB.layerFiles - duAfterB.layerFiles,
      pruneReported: reported ? report.parseHumanSize(reported[1]) : null,
    },
  }
}

/**
 * A destructive pair (drydock on A, docker on B), run `--clean-reps` times on the same world: A,
 * B and drydock's log are saved before the first run and put back before each further one. One
 * run each is a coin toss on a shared 2-CPU VM: the same prune on the same world took 8.1 s and
 * 13.1 s ten minutes apart (2026-12-03). The order within the pair alternates (drydock first in
 * the odd runs: with 3, twice), so a drift in the machine's speed favours neither side much. With
 * more than one run every run, the first too, is on a just-started engine. The last run's
 * worlds stay for what follows.
 */
async function repeatedPair(bench, what, { drydock, docker }) {
  const [a, b] = bench.engines
  const reps = bench.opts.cleanReps
  const savedDb = `${bench.lastDb}.saved`
  if (reps > 1) {
    log(`saving worlds A and B and the log (${what}: ${reps} runs each)`)
    await both(a.save(), b.save())
    await copyDatabase(bench.lastDb, savedDb)
  }
  const runs = []
  for (let rep = 0; rep < reps; rep++) {
    if (rep > 0) {
      await both(a.restore(), b.restore())
      await copyDatabase(savedDb, bench.lastDb)
    }
    // Each run starts on a quiet machine: the copies are written, the engines started.
    if (reps > 1) log(`${what}: run ${rep + 1} of ${reps}; ${await settle()}`)
    if (rep % 2 === 0) {
      const ran = await drydock()
      runs.push({ drydock: ran, docker: await docker() })
    } else {
      const ran = await docker()
      runs.push({ drydock: await drydock(), docker: ran })
    }
    const { drydock: ours, docker: theirs } = runs.at(-1)
    log(
      `${what}: run ${rep + 1}: drydock ${report.ms(ours.wallMs)}, docker ${report.ms(theirs.ms)}`,
    )
  }
  return runs
}

/** Both engines' save or restore, each finished before a failure of either is thrown: the
 * clean-up that follows must not delete a directory a copy is still writing, nor miss an engine
 * still starting. */
async function both(...work) {
  const failed = (await Promise.allSettled(work)).find((result) => result.status === 'rejected')
  if (failed) throw failed.reason
}

/** docker's side of a pair: the CLI against one engine, timed like every contender. */
function dockerPrune(engine, args) {
  return async () =>
    checkExit(await timed('docker', ['-H', engine.host, ...args]), `docker ${args.join(' ')}`)
}

/** A closed SQLite log and its -wal / -shm files, when there are any. */
async function copyDatabase(from, to) {
  for (const suffix of ['', '-wal', '-shm']) {
    await rm(`${to}${suffix}`, { force: true })
    await copyFile(`${from}${suffix}`, `${to}${suffix}`).catch((error) => {
      if (!(suffix && error.code === 'ENOENT')) throw error
    })
  }
}

/**
 * Every kind, on what the first pair left (the same on A and B: the sanity table says so):
 * `drydock clean --system --unused` (stopped containers, unused images, build cache not in use)
 * on A against `docker system prune -a -f` on B. Both remove the stopped containers first and
 * then the images only they used (docs/engine-rules.md §7); drydock keeps build cache that still
 * holds a kept image's layers. What each removed is counted beside the times.
 */
async function measureSystemClean(bench) {
  const [a, b] = bench.engines
  log('measuring drydock clean --system --unused on A and docker system prune -a on B')
  const [beforeA, beforeB] = await Promise.all([worldCounts(a), worldCounts(b)])
  // The disk's own answer: layer files plus containers' writable layers (all under the driver's
  // directory), as in the first pair.
  const layerStore = (engine) => diskUsage(join(engine.dataRoot, engine.driver ?? 'overlay2'))
  const [duBeforeA, duBeforeB] = await Promise.all([layerStore(a), layerStore(b)])
  const args = ['--db', bench.lastDb, 'clean', '--system', '--unused', '--yes', '--json']
  const runs = await repeatedPair(bench, 'clean --system / system prune -a', {
    drydock: () => tracedRun(bench, args, 'clean'),
    docker: dockerPrune(b, ['system', 'prune', '-a', '-f']),
  })
  const last = runs.at(-1)
  const clean = JSON.parse(last.drydock.result.stdout)
  const [afterA, afterB] = await Promise.all([worldCounts(a), worldCounts(b)])
  const [duAfterA, duAfterB] = await Promise.all([layerStore(a), layerStore(b)])
  const removed = (before, after) =>
    Object.fromEntries(Object.keys(before).map((key) => [key, before[key] - after[key]]))
  return {
    reps: runs.length,
    drydock: summary(runs.map((run) => run.drydock.wallMs)),
    prune: summary(runs.map((run) => run.docker.ms)),
    rssMb: Math.max(...runs.map((run) => run.drydock.result.rssMb)),
    cpu: {
      clean: median(runs.map((run) => run.drydock.result.cpuMs)),
      prune: median(runs.map((run) => run.docker.cpuMs)),
    },
    phases: medianPhases(runs.map((run) => run.drydock)),
    requests: last.drydock.requests,
    exitCode: Math.max(...runs.map((run) => run.drydock.result.code)),
    outcomes: countBy(clean.items, (item) => `${item.kind} ${item.outcome}`),
    before: { a: beforeA, b: beforeB },
    removedA: removed(beforeA, afterA),
    removedB: removed(beforeB, afterB),
    predicted: clean.predictedBytes,
    reclaimed: clean.reclaimedBytes,
    fileShrinkA: duBeforeA.layerFiles - duAfterA.layerFiles,
    fileShrinkB: duBeforeB.layerFiles - duAfterB.layerFiles,
    pruneReported: (() => {
      const match = /Total reclaimed space:\s*(.+)/.exec(last.docker.stdout)
      return match ? report.parseHumanSize(match[1]) : null
    })(),
  }
}

/** Images, containers and build cache records an engine holds. */
async function worldCounts(engine) {
  const [images, containers, df] = await Promise.all([
    engine.json('GET', '/images/json?all=1'),
    engine.json('GET', '/containers/json?all=1'),
    engine.json('GET', '/system/df'),
  ])
  return {
    images: images.length,
    containers: containers.length,
    buildCache: (df.BuildCache ?? []).length,
  }
}

/** The plan's DELETEs sent raw on world C (clean-floor.mjs), checked to end where A ended. */
async function measureCleanFloor(engine, plan, concurrency, work) {
  log(`measuring the clean floor on C (raw DELETEs, ${concurrency} in flight)`)
  const items = plan.items
    .map((item) => item.requests.filter((r) => r.kind === 'delete-image'))
    .filter((requests) => requests.length > 0)
    .map((requests) => requests.map((r) => [r.name, r.force]))
  const file = join(work, 'clean-floor-items.json')
  await writeFile(file, JSON.stringify(items))
  const before = (await engine.json('GET', '/images/json?all=1')).length
  const args = [CLEAN_FLOOR_SCRIPT, engine.socketPath, file, String(concurrency)]
  const result = checkExit(await timed('node', args), 'clean floor')
  const answer = JSON.parse(result.stdout)
  const after = (await engine.json('GET', '/images/json?all=1')).length
  return {
    concurrency,
    requestsOnly: summary([answer.ms]),
    process: summary([result.ms]),
    cpuMs: result.cpuMs,
    requests: answer.requests,
    failed: answer.failed,
    firstError: answer.firstError,
    deleted: before - after,
  }
}

/**
 * Bytes under a layer store directory, two ways: `du -sb` (everything, directories and the
 * driver's metadata files included) and the sum of the files inside layers' diff/ directories
 * (what the engine counts as a layer's size), hard links once. -xdev keeps both off the overlay
 * mounts of running containers, which would count their image's files a second time.
 */
async function diskUsage(dir) {
  const run = promisify(execFile)
  const [{ stdout: du }, { stdout: files }] = await Promise.all([
    run('du', ['-sbx', dir]),
    run('find', [dir, '-xdev', '-path', '*/diff/*', '!', '-type', 'd', '-printf', '%i %s\\n'], {
      maxBuffer: 1024 ** 3,
    }),
  ])
  const seen = new Set()
  let layerFiles = 0
  for (const line of files.split('\n')) {
    const [inode, size] = line.split(' ')
    if (!size || seen.has(inode)) continue
    seen.add(inode)
    layerFiles += Number(size)
  }
  return { apparent: Number(du.split('\t')[0]), layerFiles }
}

// --- results ----------------------------------------------------------------------------------

function countBy(items, key) {
  const counts = {}
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1
  return counts
}

function verdicts(r) {
  const t = report.TARGETS
  const df = r.systemDf.median
  const rows = [
    ['plan warm --unused', r.plan.warm.median / df, t.planWarm],
    ['plan warm --system', r.plan.system.median / df, t.planSystem],
    ['plan cold --unused', r.plan.cold.median / df, t.planCold],
    ['clean --unused', r.clean.drydock.median / r.clean.prune.median, t.clean],
  ]
  if (r.clean.system) {
    rows.push([
      'clean --system',
      r.clean.system.drydock.median / r.clean.system.prune.median,
      t.cleanSystem,
    ])
  }
  if (r.firstOutput) {
    const f = r.firstOutput
    const worst = Math.max(f.warm.afterFirstAnswer.median, f.cold.afterFirstAnswer.median)
    rows.push(['first output', worst, t.firstOutputMs, 'ms'])
    rows.push(['progress line (cold)', f.cold.progressShown, t.progress])
  }
  if (r.firstPaint) {
    // With the log's figures every time; a paint that waited for the engine is not this target.
    const f = r.firstPaint
    const value = f.cachedEveryRun ? f.servingToFigures.median : Number.POSITIVE_INFINITY
    rows.push(['dashboard first paint', value, t.firstPaintMs, 'ms'])
  }
  rows.push([
    'peak RSS',
    Math.max(r.rss.planCold, r.rss.planWarm, r.rss.planSystem, r.rss.clean),
    t.rssMb,
    'MB',
  ])
  return rows.map(([name, value, target, unit]) => ({
    name,
    value,
    unit: unit ?? 'ratio',
    target: target.text,
    verdict: report.verdict(value, target),
  }))
}

async function writeResults(results, printed) {
  const dir = join(REPO, 'artifacts/bench')
  await mkdir(dir, { recursive: true })
  const json = `${JSON.stringify(results, null, 2)}\n`
  const name = `${results.world.images}-images`
  await writeFile(join(dir, 'latest.json'), json)
  await writeFile(join(dir, `${name}.json`), json)
  await writeFile(join(dir, `${name}.txt`), `${printed}\n`)
  log(`wrote artifacts/bench/latest.json, ${name}.json and ${name}.txt`)
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    process.stderr.write(`bench: failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exitCode = 1
  },
)
