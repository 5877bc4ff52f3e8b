/**
 * Generated payloads for every contract method: candidates built from the request schemas
 * (src/shared/contract.ts), and mutations of them (wrong types, extra keys, huge strings, nested
 * garbage, prototype keys, wrong top-level shapes). Whether a payload is valid is decided by the
 * schema itself (safeParse), so the oracle never depends on the generator being exact.
 *
 * Host-like values are only ever this suite's private engine or a socket that does not exist:
 * a fuzzed Settings change never points anything at the machine's default engine, and an image
 * restore only ever asks a registry on 127.0.0.1:1 (refused at once, no network).
 */
import type { z } from 'zod'
import { METHOD_NAMES, type MethodName } from '../../src/shared/channels'
import { methods } from '../../src/shared/contract'

type Random = () => number

interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  innerType?: z.ZodType
  element?: z.ZodType
  options?: z.ZodType[]
  entries?: Record<string, string | number>
  values?: unknown[]
  keyType?: z.ZodType
  valueType?: z.ZodType
  defaultValue?: unknown
  format?: string
  in?: z.ZodType
  checks?: { _zod: { def: CheckDef } }[]
}
interface CheckDef {
  check: string
  format?: string
  pattern?: RegExp
  minimum?: number
  maximum?: number
  value?: number
  inclusive?: boolean
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def
}

const HEX64 = 'a'.repeat(32) + '0123456789abcdef'.repeat(2)
const SAFE_STRINGS = [
  'fuzz',
  'drydock-fuzz/app:1',
  'key=value',
  'key',
  '03:30',
  '30d',
  '12h',
  '90m',
  '2w',
  `127.0.0.1:1/drydock-fuzz@sha256:${HEX64}`,
  `sha256:${HEX64}`,
  'fault-*',
  'ünïcödé ☃',
  '\u001b[31mred\u001b[0m',
  'a'.repeat(300),
]

export interface FuzzHosts {
  /** The private engine's URL. */
  engine: string
  /** A socket that does not exist. */
  nowhere: string
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!
}

function numberFor(def: Def, random: Random): number {
  let min = -1e6
  let max = 1e6
  let integer = false
  for (const check of def.checks ?? []) {
    const c = check._zod.def
    if (c.check === 'number_format') integer = true
    if (c.check === 'greater_than') min = (c.value ?? 0) + (c.inclusive ? 0 : 1)
    if (c.check === 'less_than') max = (c.value ?? 0) - (c.inclusive ? 0 : 1)
  }
  const span = Math.min(max - min, 1e9)
  const value = min + random() * span
  return integer ? Math.round(value) : Math.round(value * 100) / 100
}

function stringFor(def: Def, random: Random, key: string, hosts: FuzzHosts): string {
  if (key === 'host' || key === 'followedEngines')
    return pick(random, [hosts.engine, hosts.nowhere])
  if (def.format === 'datetime') {
    return new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 2e11)).toISOString()
  }
  const checks = (def.checks ?? []).map((check) => check._zod.def)
  const fits = (text: string) =>
    checks.every((c) => {
      if (c.check === 'min_length') return text.length >= (c.minimum ?? 0)
      if (c.check === 'max_length') return text.length <= (c.maximum ?? Infinity)
      if (c.check === 'string_format' && c.pattern) return c.pattern.test(text)
      return true
    })
  const candidates = SAFE_STRINGS.filter(fits)
  return candidates.length > 0 ? pick(random, candidates) : pick(random, SAFE_STRINGS)
}

/** A value the schema should accept (mostly: refinements are the oracle's business). */
export function generate(
  schema: z.ZodType,
  random: Random,
  hosts: FuzzHosts,
  key = '',
  depth = 0,
): unknown {
  const def = defOf(schema)
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [name, field] of Object.entries(def.shape ?? {})) {
        const inner = defOf(field)
        // Optional and defaulted fields are left out now and then.
        if ((inner.type === 'optional' || inner.type === 'default') && random() < 0.5) continue
        out[name] = generate(field, random, hosts, name, depth + 1)
      }
      return out
    }
    case 'optional':
    case 'default':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return generate(def.innerType!, random, hosts, key, depth + 1)
    case 'nullable':
      return random() < 0.3 ? null : generate(def.innerType!, random, hosts, key, depth + 1)
    case 'pipe':
      return generate(def.in!, random, hosts, key, depth + 1)
    case 'string':
      return stringFor(def, random, key, hosts)
    case 'number':
      return numberFor(def, random)
    case 'boolean':
      return random() < 0.5
    case 'enum':
      return pick(random, Object.values(def.entries ?? {}))
    case 'literal':
      return pick(random, def.values ?? [null])
    case 'array': {
      const length = depth > 4 ? 0 : Math.floor(random() * 3)
      return Array.from({ length }, () => generate(def.element!, random, hosts, key, depth + 1))
    }
    case 'union':
      return generate(pick(random, def.options ?? []), random, hosts, key, depth + 1)
    case 'record': {
      const out: Record<string, unknown> = {}
      if (depth < 4) out[String(generate(def.keyType!, random, hosts, '', depth + 1))] = 1
      return out
    }
    case 'null':
      return null
    default:
      return 'fuzz'
  }
}

// --- mutations --------------------------------------------------------------------------------

function nested(depth: number): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { deeper: value }
  return value
}

const WRONG_VALUES: (() => unknown)[] = [
  () => 42,
  () => -1,
  () => 1.5,
  () => 1e308,
  () => 'not the right type',
  () => '',
  () => true,
  () => null,
  () => [],
  () => [1, 'two', null],
  () => ({}),
  () => ({ $gt: '' }),
  () => 'x'.repeat(100_000),
  () => nested(200),
  () => '2024-13-45T99:99:99Z',
  () => '../../../../etc/passwd',
  () => "'; DROP TABLE runs; --",
]

/** Keys of the payload's object levels, with a path to each. */
function paths(value: unknown, prefix: string[] = [], depth = 0): string[][] {
  if (typeof value !== 'object' || value === null || depth > 4) return []
  const out: string[][] = []
  for (const [key, inner] of Object.entries(value)) {
    out.push([...prefix, key])
    out.push(...paths(inner, [...prefix, key], depth + 1))
  }
  return out
}

function setAt(root: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>
  let cursor = copy
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string, unknown>
  cursor[path.at(-1)!] = value
  return copy
}

export type Mutation =
  | 'wrong-type'
  | 'extra-key'
  | 'proto-key'
  | 'huge-string'
  | 'nested-garbage'
  | 'top-level'
  | 'missing-field'

/** One mutation of a payload, and what it was. */
export function mutate(payload: unknown, random: Random): { payload: unknown; mutation: Mutation } {
  const fieldPaths = paths(payload)
  const roll = random()
  if (roll < 0.3 && fieldPaths.length > 0) {
    return {
      payload: setAt(payload, pick(random, fieldPaths), pick(random, WRONG_VALUES)()),
      mutation: 'wrong-type',
    }
  }
  if (roll < 0.45) {
    const base = typeof payload === 'object' && payload !== null ? payload : {}
    return { payload: { ...base, unexpected: pick(random, WRONG_VALUES)() }, mutation: 'extra-key' }
  }
  if (roll < 0.55) {
    // As JSON.parse makes it: an own key named __proto__ (or constructor), not a prototype.
    const key = pick(random, ['__proto__', 'constructor', 'prototype'])
    return { payload: JSON.parse(`{"${key}":{"polluted":true}}`) as unknown, mutation: 'proto-key' }
  }
  if (roll < 0.65) {
    const target = fieldPaths.length > 0 ? pick(random, fieldPaths) : ['huge']
    return {
      payload: setAt(
        typeof payload === 'object' && payload !== null ? payload : {},
        target,
        'h'.repeat(200_000 + Math.floor(random() * 400_000)),
      ),
      mutation: 'huge-string',
    }
  }
  if (roll < 0.75) {
    return {
      payload: { garbage: nested(50 + Math.floor(random() * 500)) },
      mutation: 'nested-garbage',
    }
  }
  if (roll < 0.9 || fieldPaths.length === 0) {
    return {
      payload: pick(random, [null, 0, 'string', [], [{}], true, -1] as unknown[]),
      mutation: 'top-level',
    }
  }
  const copy = structuredClone(payload) as Record<string, unknown>
  delete copy[pick(random, Object.keys(copy))]
  return { payload: copy, mutation: 'missing-field' }
}

// --- cases ------------------------------------------------------------------------------------

export interface FuzzCase {
  method: string
  payload: unknown
  /** How it was made: `schema`, a mutation, or `unknown-method`. */
  origin: string
  /** By the method's request schema; an unknown method is never valid. */
  valid: boolean
}

export function isValid(method: string, payload: unknown): boolean {
  if (!(METHOD_NAMES as readonly string[]).includes(method)) return false
  const schema = methods[method as MethodName].request
  return schema.safeParse(payload === undefined ? {} : payload).success
}

/** Keeps a valid payload harmless: a restore only from a registry that refuses at once. */
function harmless(method: string, payload: unknown): unknown {
  if (method === 'restoreImage' && typeof payload === 'object' && payload !== null) {
    return { ...payload, reference: `127.0.0.1:1/drydock-fuzz@sha256:${HEX64}` }
  }
  return payload
}

export function generateCases(count: number, random: Random, hosts: FuzzHosts): FuzzCase[] {
  const cases: FuzzCase[] = []
  for (let index = 0; index < count; index++) {
    // Every method in turn, so each gets its share whatever the count.
    const method = METHOD_NAMES[index % METHOD_NAMES.length]!
    const schema = methods[method].request
    const base = harmless(method, generate(schema, random, hosts))
    const roll = random()
    let payload: unknown
    let origin: string
    let name: string = method
    if (roll < 0.45) {
      payload = base
      origin = 'schema'
    } else if (roll < 0.95) {
      const mutated = mutate(base, random)
      payload = mutated.payload
      origin = mutated.mutation
    } else {
      name = pick(random, ['deleteEverything', 'constructor', '__proto__', 'toString', ''])
      payload = base
      origin = 'unknown-method'
    }
    cases.push({ method: name, payload, origin, valid: isValid(name, payload) })
  }
  return cases
}
