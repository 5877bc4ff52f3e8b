// The printed table and the targets. Kept apart from the measuring so the layout can change
// without touching how anything is timed.

export const TARGETS = {
  planWarm: { max: 0.8, text: '≤ 0.8× system df -v' },
  planSystem: { max: 0.8, text: '≤ 0.8× system df -v' },
  planCold: { max: 2, text: '≤ 2× system df -v' },
  clean: { max: 0.8, text: '≤ 0.8× image prune -a' },
  cleanSystem: { max: 1.0, text: '≤ 1.0× system prune -a' },
  firstOutputMs: { max: 150, text: '≤ 150 ms after the first answer' },
  progress: { text: 'shown while layer facts are read cold' },
  rssMb: { max: 300, text: '< 300 MB', strict: true },
  firstPaintMs: { max: 300, text: '≤ 300 ms after browser mode starts' },
}

export function verdict(value, target) {
  if (typeof value === 'boolean') return value ? 'PASS' : 'MISS'
  const ok = target.strict ? value < target.max : value <= target.max
  return ok ? 'PASS' : 'MISS'
}

export const ms = (value) =>
  value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`
export const ratio = (value) => `${value.toFixed(2)}×`
export const mb = (value) => `${value.toFixed(0)} MB`

/** Decimal units, as docker prints them, with enough digits to compare byte counts. */
export function bytes(value) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let scaled = value
  let unit = 0
  while (Math.abs(scaled) >= 1000 && unit < units.length - 1) {
    scaled /= 1000
    unit++
  }
  return `${scaled.toFixed(unit === 0 ? 0 : 2)} ${units[unit]}`
}

/** docker's "Total reclaimed space: 1.234GB" back to bytes (units.HumanSize, 1000-based). */
export function parseHumanSize(text) {
  const match = /^([\d.]+)\s*([kMGTP]?B)$/.exec(text.trim())
  if (!match) return null
  const power = { B: 0, kB: 1, MB: 2, GB: 3, TB: 4, PB: 5 }[match[2]]
  return Number(match[1]) * 1000 ** power
}

function spread(stat) {
  return stat.runs > 1 ? `${ms(stat.min)} – ${ms(stat.max)}` : ''
}

/** Renders rows of cells as an aligned plain-text table. */
export function renderTable(header, rows) {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...rows].map((row) => String(row[column] ?? '').length)),
  )
  const line = (row) =>
    row
      .map((cell, column) => String(cell ?? '').padEnd(widths[column]))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** The main table of the run: timings with their reference, ratio, target and verdict. */
export function timingTable(r) {
  const row = (label, stat, reference, target) => {
    const against = reference ? stat.median / reference.stat.median : null
    return [
      label,
      ms(stat.median),
      spread(stat),
      reference ? reference.label : '',
      against === null ? '' : ratio(against),
      target ? target.text : '',
      target ? verdict(against, target) : '',
    ]
  }
  const cleanFloorRows = (floor) => {
    const reference = { label: 'clean floor', stat: floor.requestsOnly }
    const failed = floor.failed ? `, ${floor.failed} FAILED` : ''
    return [
      row(
        `clean floor: the plan's ${floor.requests} DELETEs raw, ${floor.concurrency} in flight (world C, ${floor.deleted} images deleted${failed})`,
        floor.requestsOnly,
      ),
      row('docker image prune -a vs the clean floor', r.clean.prune, reference),
      row('drydock clean vs the clean floor', r.clean.drydock, reference),
    ]
  }
  const floorCold = { label: 'floor cold', stat: r.floor.cold.requests }
  const floorWarm = { label: 'floor warm', stat: r.floor.warm.requests }
  const floorColdProcess = { label: 'floor cold process', stat: r.floor.cold.process }
  const floorWarmProcess = { label: 'floor warm process', stat: r.floor.warm.process }
  const df = { label: 'docker system df -v', stat: r.systemDf }
  const prune = { label: 'docker image prune -a', stat: r.clean.prune }
  const system = r.clean.system
  return renderTable(
    ['measurement', 'median', 'min – max', 'against', 'ratio', 'target', ''],
    [
      row('docker system df -v', r.systemDf),
      row('drydock plan --unused --json, warm (same --db)', r.plan.warm, df, TARGETS.planWarm),
      ...(r.plan.warmWithoutExtraCa
        ? [
            row(
              '  the same, without NODE_EXTRA_CA_CERTS (explains; not the target)',
              r.plan.warmWithoutExtraCa,
              df,
            ),
          ]
        : []),
      row('drydock plan --system --json, warm', r.plan.system, df, TARGETS.planSystem),
      row('drydock plan --unused --json, cold (fresh --db)', r.plan.cold, df, TARGETS.planCold),
      row('docker image prune -a -f (world B)', r.clean.prune),
      row(
        `drydock clean --unused --yes --json (world A, ${r.clean.cache} --db)`,
        r.clean.drydock,
        prune,
        TARGETS.clean,
      ),
      ...(system
        ? [
            row('docker system prune -a -f (world B, after the first pair)', system.prune),
            row(
              'drydock clean --system --unused --yes --json (world A, after the first pair)',
              system.drydock,
              { label: 'docker system prune -a', stat: system.prune },
              TARGETS.cleanSystem,
            ),
          ]
        : []),
      row('floor cold: requests only (lists, info, 2/image)', r.floor.cold.requests),
      row('floor warm: requests only (lists, info)', r.floor.warm.requests),
      row('floor cold as a Node process', r.floor.cold.process, floorCold),
      row('floor warm as a Node process', r.floor.warm.process, floorWarm),
      row('node -e 0 (Node start-up)', r.startup.node),
      ...(r.startup.nodeWithoutExtraCa
        ? [row('node -e 0 without NODE_EXTRA_CA_CERTS', r.startup.nodeWithoutExtraCa)]
        : []),
      row('node -e require(cli.js) (start-up + entry load)', r.startup.requireCli),
      row('drydock --version', r.startup.version),
      row('drydock plan cold vs the floor', r.plan.cold, floorCold),
      row('drydock plan warm vs the floor', r.plan.warm, floorWarm),
      row('drydock plan cold vs the floor as a process', r.plan.cold, floorColdProcess),
      row('drydock plan warm vs the floor as a process', r.plan.warm, floorWarmProcess),
      ...(r.longLived
        ? [
            row('floor warm, repeated within one process', r.longLived.floorWarm),
            row('plan in a long-lived drydock (serve), first call', r.longLived.cold, floorCold),
            row('plan in a long-lived drydock (serve), warm', r.longLived.warm, {
              label: 'floor warm repeated',
              stat: r.longLived.floorWarm,
            }),
          ]
        : []),
      ...(r.clean.floor ? cleanFloorRows(r.clean.floor) : []),
    ],
  )
}

/** How soon a plan in a terminal prints, and whether a cold one shows its progress. */
export function firstOutputTable(f) {
  const row = (label, stat, target) => [
    label,
    ms(stat.median),
    spread(stat),
    target ? target.text : '',
    target ? verdict(stat.median, target) : '',
  ]
  return `First output of \`drydock plan --unused\` in a pseudo-terminal (traced: the command's own clock)\n${renderTable(
    ['measurement', 'median', 'min – max', 'target', ''],
    [
      row(
        "warm: first byte on stdout after the engine's first answer",
        f.warm.afterFirstAnswer,
        TARGETS.firstOutputMs,
      ),
      row(
        "cold: first byte on stdout after the engine's first answer",
        f.cold.afterFirstAnswer,
        TARGETS.firstOutputMs,
      ),
      row("warm: the engine's first answer (since the process started)", f.warm.firstAnswer),
      row('warm: spawn → first byte in the terminal', f.warm.spawnToFirstByte),
      row('cold: spawn → first byte in the terminal', f.cold.spawnToFirstByte),
      row('warm: whole command in the terminal', f.warm.wall),
      row('cold: whole command in the terminal', f.cold.wall),
      [
        'cold: progress line while layer facts are read',
        f.cold.progressShown
          ? `shown (${f.cold.progressUpdates}+ updates, of ${f.cold.progressTotal} images)`
          : 'NOT shown',
        '',
        TARGETS.progress.text,
        verdict(f.cold.progressShown, TARGETS.progress),
      ],
    ],
  )}`
}

/** CPU time of each client process (user + system): on a small machine it competes with the engine. */
export function cpuTable(r) {
  const rows = [
    ['floor cold (Node, raw http)', r.cpu.floorCold],
    ['drydock plan cold', r.cpu.planCold],
    ['floor warm (Node, raw http)', r.cpu.floorWarm],
    ['drydock plan warm', r.cpu.planWarm],
    ['drydock plan --system warm', r.cpu.planSystem],
    ['docker system df -v (the CLI only)', r.cpu.systemDf],
    ['drydock clean', r.cpu.clean],
    ['docker image prune -a (the CLI only)', r.cpu.prune],
    ['drydock clean --system --unused', r.cpu.cleanSystem],
    ['docker system prune -a (the CLI only)', r.cpu.systemPrune],
    ['clean floor (Node, raw http)', r.cpu.cleanFloor],
  ].filter(([, value]) => value !== null && value !== undefined && !Number.isNaN(value))
  return renderTable(
    ['client CPU time (user + sys, median)', 'CPU'],
    rows.map(([label, value]) => [label, ms(value)]),
  )
}

/**
 * Client and engine CPU for the same command, and their sum over the machine's CPUs: no schedule
 * of the two can end the command sooner than that (work that must wait for other work ends it
 * later still).
 */
export function cpuShareTable(r) {
  if (!r.engineCpu) return null
  const cpus = r.machine.cpus
  const rows = [
    ['drydock plan --unused, warm', r.cpu.planWarm, r.engineCpu.planWarm, r.plan.warm.median],
    ['drydock plan --system, warm', r.cpu.planSystem, r.engineCpu.planSystem, r.plan.system.median],
    ['drydock plan --unused, cold', r.cpu.planCold, r.engineCpu.planCold, r.plan.cold.median],
    ['docker system df -v', r.cpu.systemDf, r.engineCpu.systemDf, r.systemDf.median],
  ]
  return renderTable(
    ['CPU time (medians)', 'client', 'engine', `sum / ${cpus} CPUs`, 'wall'],
    rows.map(([label, client, engine, wall]) => [
      label,
      ms(client),
      ms(engine),
      ms((client + engine) / cpus),
      ms(wall),
    ]),
  )
}

export function memoryTable(r) {
  const row = (label, value) => [
    label,
    mb(value),
    TARGETS.rssMb.text,
    verdict(value, TARGETS.rssMb),
  ]
  return renderTable(
    ['peak RSS', 'max', 'target', ''],
    [
      row('drydock plan, cold', r.rss.planCold),
      row('drydock plan, warm', r.rss.planWarm),
      row('drydock plan --system, warm', r.rss.planSystem),
      row('drydock clean', r.rss.clean),
    ],
  )
}

export function sanityTable(s) {
  const row = (label, value, note = '') => [label, value, note]
  const against = (value, reference, name) =>
    reference === 0 ? '' : `${(((value - reference) / reference) * 100).toFixed(2)}% vs ${name}`
  return renderTable(
    ['check', 'value', ''],
    [
      row(
        'images deleted: drydock clean (world A)',
        String(s.deletedA),
        `${s.imagesBeforeA} → ${s.imagesAfterA}`,
      ),
      row(
        'images deleted: docker image prune -a (world B)',
        String(s.deletedB),
        `${s.imagesBeforeB} → ${s.imagesAfterB}`,
      ),
      row(
        'images left identical on A and B',
        s.sameImagesLeft ? 'yes' : `NO (${s.leftOnlyA} only on A, ${s.leftOnlyB} only on B)`,
      ),
      row(
        'drydock clean outcomes',
        Object.entries(s.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none',
        `exit ${s.cleanExitCode}`,
      ),
      row(
        'drydock plan reclaimBytes (predicted)',
        bytes(s.predicted),
        against(s.predicted, s.fileShrinkA, "A's layer-file shrink"),
      ),
      row(
        'drydock clean reclaimedBytes (reported)',
        bytes(s.reclaimedA),
        against(s.reclaimedA, s.fileShrinkA, "A's layer-file shrink"),
      ),
      row(
        'docker image prune -a "Total reclaimed space"',
        s.pruneReported === null ? 'not printed' : bytes(s.pruneReported),
        s.pruneReported === null
          ? ''
          : `${against(s.pruneReported, s.fileShrinkB, "B's layer-file shrink")} (docker prints 3-4 digits)`,
      ),
      row(
        'layer files (overlay2/*/diff) shrink, world A',
        bytes(s.fileShrinkA),
        'what the engine counts as layer size',
      ),
      row('layer files (overlay2/*/diff) shrink, world B', bytes(s.fileShrinkB)),
      row(
        'du -sb overlay2 shrink, world A',
        bytes(s.duShrinkA),
        `${bytes(s.duBeforeA)} → ${bytes(s.duAfterA)}; + directories, metadata`,
      ),
      row(
        'du -sb overlay2 shrink, world B',
        bytes(s.duShrinkB),
        `${bytes(s.duBeforeB)} → ${bytes(s.duAfterB)}`,
      ),
    ],
  )
}

/** What the second pair (every kind) started from and removed on each side. */
export function systemCleanTable(system) {
  const counts = (c) =>
    `${c.images} images, ${c.containers} containers, ${c.buildCache} cache records`
  const same = JSON.stringify(system.before.a) === JSON.stringify(system.before.b)
  return `Every kind: drydock clean --system --unused (A) and docker system prune -a -f (B)\n${renderTable(
    ['check', 'value'],
    [
      [
        'both started from (A / B)',
        `${counts(system.before.a)}${same ? ' — same on B' : ` / ${counts(system.before.b)}`}`,
      ],
      ['removed by drydock clean (A)', counts(system.removedA)],
      ['removed by docker system prune -a (B)', counts(system.removedB)],
      [
        'drydock clean outcomes',
        `${Object.entries(system.outcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} (exit ${system.exitCode})`,
      ],
      [
        'bytes: drydock predicted / reported, docker reported',
        `${bytes(system.predicted)} / ${bytes(system.reclaimed)}, ${system.pruneReported === null ? 'not printed' : bytes(system.pruneReported)}`,
      ],
      ...(system.fileShrinkA === undefined
        ? []
        : [
            [
              'files under the storage driver (diff/*) shrink, A / B',
              `${bytes(system.fileShrinkA)} / ${bytes(system.fileShrinkB)}`,
            ],
          ]),
    ],
  )}`
}

/** Median phases of traced plan runs (cold, warm) and of the traced clean, side by side. */
export function phaseTable(planPhases, cleanPhases) {
  const names = Object.keys(planPhases.cold)
  const cell = (phases, name) => (phases && phases[name] !== undefined ? ms(phases[name]) : '')
  return `Where the wall time goes (traced runs: -r trace-preload.cjs; plan = median of the traced runs)\n${renderTable(
    ['phase', 'plan cold', 'plan warm', 'clean'],
    names.map((name) => [
      name,
      cell(planPhases.cold, name),
      cell(planPhases.warm, name),
      cell(cleanPhases, name),
    ]),
  )}`
}

/** Requests per endpoint of one traced plan cold, plan warm and clean. */
export function requestTable(planRequests, cleanRequests) {
  const keys = [
    ...new Set([
      ...Object.keys(planRequests.cold),
      ...Object.keys(planRequests.warm),
      ...Object.keys(cleanRequests),
    ]),
  ].sort()
  const total = (requests) => Object.values(requests).reduce((sum, n) => sum + n, 0)
  return `Engine requests drydock sent\n${renderTable(
    ['request', 'plan cold', 'plan warm', 'clean'],
    [
      ...keys.map((key) => [
        key,
        planRequests.cold[key] ?? '',
        planRequests.warm[key] ?? '',
        cleanRequests[key] ?? '',
      ]),
      ['total', total(planRequests.cold), total(planRequests.warm), total(cleanRequests)],
    ],
  )}`
}

export function profileTable(title, summary) {
  return `${title} (profile span ${ms(summary.spanMs)})\n${renderTable(
    ['self time', 'where'],
    summary.top.map((b) => [ms(b.ms), b.bucket]),
  )}`
}

/** Everything the run printed, as one string. */
export function fullReport(r, firstPaint = null) {
  const w = r.world
  const list = (values) => values.map((value) => ms(value)).join(' / ')
  const load = (values) => values.map((value) => value.toFixed(2)).join(' ')
  const latencies = Object.entries(r.floor.warm.latencies)
    .map(([path, value]) => `${path} ${ms(value)}`)
    .join(', ')
  const out = [
    `Drydock benchmark — ${r.when}, ${r.machine.cpus} CPUs, Node ${r.machine.node}, storage ${w.storageDriver}`,
    `CLI built ${r.cli.builtAt}` +
      (r.cli.git
        ? ` from ${r.cli.git.commit} with ${r.cli.git.changedSourceFiles} uncommitted change(s) under src/`
        : ''),
    `World (identical on every engine): ${w.images} images (${w.tagged} tagged with ${w.tags} tags, ` +
      `${w.multiTagged} multi-tagged, ${w.untagged} untagged) over ${w.layers} layers (${w.baseLayers} bases, ` +
      `${w.midLayers} mids, the rest one per image); ${w.containers} containers (${w.running} running) ` +
      `on ${w.imagesUsedByContainers} images` +
      (w.exited !== undefined
        ? `, ${w.exited} of them stopped after writing 256 kB each; ${w.builds} BuildKit builds (${w.buildCacheRecords} build cache records)${w.buildsSkipped ? ` — builds skipped: ${w.buildsSkipped}` : ''}.`
        : '.'),
    `Built in ${list(w.buildMs)} (engines ${'ABC'.slice(0, w.buildMs.length).split('').join('/')}, in parallel; ` +
      `docker load ${list(w.loadMs)}) after ${ms(w.generateMs)} generating the archives.`,
    `Load average (1/5/15 min) when measuring began: ${load(r.machine.loadAverage.measuringStarted)}; ` +
      `at the end: ${load(r.machine.loadAverage.finished)}.`,
    `Floor: ${r.floor.cold.requestCount} requests cold (${bytes(r.floor.cold.responseBytes)}), ` +
      `${r.floor.warm.requestCount} warm (sent together; median latencies ${latencies}). ` +
      `Medians of ${r.options.reps} runs; ` +
      (r.clean.reps > 1
        ? `clean and prune: medians of ${r.clean.reps} runs each, on worlds saved once and put back before each further run.`
        : 'clean and prune run once each (destructive).'),
  ]
  if (r.cli.warning) out.push(`WARNING: ${r.cli.warning}`)
  out.push('', timingTable(r))
  if (r.firstOutput) out.push('', firstOutputTable(r.firstOutput))
  if (firstPaint) out.push('', firstPaint)
  const share = cpuShareTable(r)
  out.push(
    '',
    memoryTable(r),
    '',
    cpuTable(r),
    ...(share ? ['', share] : []),
    '',
    sanityTable(r.sanity),
  )
  if (r.clean.system) out.push('', systemCleanTable(r.clean.system))
  const actions = Object.entries(r.plan.actions)
    .map(([action, count]) => `${action} ${count}`)
    .join(', ')
  const differed = r.plan.samePlanEveryRun ? '' : ' — WARNING: plans differed between runs'
  out.push(
    '',
    `Plan: ${r.plan.items} items (${actions}), reclaimBytes ${bytes(r.plan.reclaimBytes)}${differed}.`,
  )
  if (r.plan.systemItems) {
    const items = Object.entries(r.plan.systemItems)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')
    out.push(`Plan --system: ${items}; reclaimBytes ${bytes(r.plan.systemReclaimBytes)}.`)
  }
  if (r.clean.floor?.firstError) out.push(`Clean floor: first failure: ${r.clean.floor.firstError}`)
  if (r.explain) {
    const e = r.explain
    const wall = (profile) => `wall ${ms(profile.wallMs)} under --cpu-prof`
    out.push(
      '',
      phaseTable(e.phases, r.clean.phases),
      '',
      requestTable(e.requests, r.clean.requests),
      '',
      profileTable(`CPU self time, drydock plan cold — ${wall(e.profiles.cold)}`, e.profiles.cold),
      '',
      profileTable(`CPU self time, drydock plan warm — ${wall(e.profiles.warm)}`, e.profiles.warm),
    )
  }
  out.push('', 'Targets:')
  for (const v of r.verdicts) {
    // Three decimals: a 1.304× must not read as the 1.30× it misses by.
    const value =
      typeof v.value === 'boolean'
        ? v.value
          ? 'yes'
          : 'no'
        : v.unit === 'MB'
          ? mb(v.value)
          : v.unit === 'ms'
            ? ms(v.value)
            : `${v.value.toFixed(3)}×`
    out.push(`  ${v.verdict}  ${v.name.padEnd(20)} ${value.padStart(8)}   (target ${v.target})`)
  }
  return out.join('\n')
}
