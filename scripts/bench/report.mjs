// The printed table and the targets. Kept apart from the measuring so the layout can change
// without touching how anything is timed.

export const TARGETS = {
  planCold: { max: 1.5, text: '≤ 1.5× floor cold' },
  planWarm: { max: 1.1, text: '≤ 1.1× floor warm' },
  clean: { max: 1.3, text: '≤ 1.3× prune -a' },
  rssMb: { max: 300, text: '< 300 MB', strict: true },
}

export function verdict(value, target) {
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
  return renderTable(
    ['measurement', 'median', 'min – max', 'against', 'ratio', 'target', ''],
    [
      row('floor cold: requests only (lists, info, version, 2/image)', r.floor.cold.requests),
      row('floor warm: requests only (lists, info, version)', r.floor.warm.requests),
      row('floor cold as a Node process', r.floor.cold.process, floorCold),
      row('floor warm as a Node process', r.floor.warm.process, floorWarm),
      row('node -e 0 (Node start-up)', r.startup.node),
      row('node -e require(cli.js) (start-up + bundle load)', r.startup.requireCli),
      row('drydock --version', r.startup.version),
      row(
        'drydock plan --unused --json, cold (fresh --db)',
        r.plan.cold,
        floorCold,
        TARGETS.planCold,
      ),
      row(
        'drydock plan --unused --json, warm (same --db)',
        r.plan.warm,
        floorWarm,
        TARGETS.planWarm,
      ),
      // Not the targets, but the comparison a CLI can win: the floor plus Node's own start.
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
      row('docker system df -v', r.systemDf),
      row('drydock plan cold vs docker system df -v', r.plan.cold, df),
      row('drydock plan warm vs docker system df -v', r.plan.warm, df),
      row('docker image prune -a -f (world B)', r.clean.prune),
      row(
        `drydock clean --unused --yes --json (world A, ${r.clean.cache} --db)`,
        r.clean.drydock,
        prune,
        TARGETS.clean,
      ),
      ...(r.clean.floor ? cleanFloorRows(r.clean.floor) : []),
    ],
  )
}

/** CPU time of each client process (user + system): on a small machine it competes with the engine. */
export function cpuTable(r) {
  const rows = [
    ['floor cold (Node, raw http)', r.cpu.floorCold],
    ['drydock plan cold', r.cpu.planCold],
    ['floor warm (Node, raw http)', r.cpu.floorWarm],
    ['drydock plan warm', r.cpu.planWarm],
    ['docker system df -v (the CLI only)', r.cpu.systemDf],
    ['drydock clean', r.cpu.clean],
    ['docker image prune -a (the CLI only)', r.cpu.prune],
    ['clean floor (Node, raw http)', r.cpu.cleanFloor],
  ].filter(([, value]) => value !== null && value !== undefined && !Number.isNaN(value))
  return renderTable(
    ['client CPU time (user + sys, median)', 'CPU'],
    rows.map(([label, value]) => [label, ms(value)]),
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
export function fullReport(r) {
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
      `on ${w.imagesUsedByContainers} images.`,
    `Built in ${list(w.buildMs)} (engines ${'ABC'.slice(0, w.buildMs.length).split('').join('/')}, in parallel; ` +
      `docker load ${list(w.loadMs)}) after ${ms(w.generateMs)} generating the archives.`,
    `Load average (1/5/15 min) when measuring began: ${load(r.machine.loadAverage.measuringStarted)}; ` +
      `at the end: ${load(r.machine.loadAverage.finished)}.`,
    `Floor: ${r.floor.cold.requestCount} requests cold (${bytes(r.floor.cold.responseBytes)}), ` +
      `${r.floor.warm.requestCount} warm (sent together; median latencies ${latencies}). ` +
      `Medians of ${r.options.reps} runs; clean and prune run once each (destructive).`,
  ]
  if (r.cli.warning) out.push(`WARNING: ${r.cli.warning}`)
  out.push('', timingTable(r), '', memoryTable(r), '', cpuTable(r), '', sanityTable(r.sanity))
  const actions = Object.entries(r.plan.actions)
    .map(([action, count]) => `${action} ${count}`)
    .join(', ')
  const differed = r.plan.samePlanEveryRun ? '' : ' — WARNING: plans differed between runs'
  out.push(
    '',
    `Plan: ${r.plan.items} items (${actions}), reclaimBytes ${bytes(r.plan.reclaimBytes)}${differed}.`,
  )
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
    const value = v.name === 'peak RSS' ? mb(v.value) : `${v.value.toFixed(3)}×`
    out.push(`  ${v.verdict}  ${v.name.padEnd(10)} ${value.padStart(8)}   (target ${v.target})`)
  }
  return out.join('\n')
}
