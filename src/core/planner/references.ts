/**
 * Image references as the engine and the docker CLI read them: `busybox` means
 * `docker.io/library/busybox:latest`, shown as `busybox:latest`; a name that is a prefix of an
 * image ID names that image.
 */

const DEFAULT_DOMAIN_PREFIXES = [
  'docker.io/library/',
  'index.docker.io/library/',
  'docker.io/',
  'index.docker.io/',
]

export interface ParsedReference {
  /** Repository in familiar form: `busybox`, `drydock-test/base`, `localhost:5000/app`. */
  repository: string
  tag: string | null
  digest: string | null
}

/** References already parsed: a plan asks about each tag many times (the engine model, the
 * policies). Bounded, for long-lived processes; the entries are frozen, as they are shared. */
const parsed = new Map<string, Readonly<ParsedReference> | null>()
const PARSED_MAX = 50_000

/** Familiar form of a reference, with `:latest` added when neither tag nor digest is given. */
export function parseReference(ref: string): Readonly<ParsedReference> | null {
  const known = parsed.get(ref)
  if (known !== undefined) return known
  const result = parse(ref)
  if (parsed.size >= PARSED_MAX) parsed.clear()
  parsed.set(ref, result && Object.freeze(result))
  return result
}

function parse(ref: string): ParsedReference | null {
  let rest = ref.trim()
  if (!rest || /\s/.test(rest)) return null
  let digest: string | null = null
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) return null
  }
  let tag: string | null = null
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return null
  }
  for (const prefix of DEFAULT_DOMAIN_PREFIXES) {
    if (rest.startsWith(prefix)) {
      rest = rest.slice(prefix.length)
      break
    }
  }
  if (
    !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      rest,
    )
  ) {
    return null
  }
  if (tag === null && digest === null) tag = 'latest'
  return { repository: rest, tag, digest }
}

export function formatReference(ref: ParsedReference): string {
  if (ref.digest) return `${ref.repository}@${ref.digest}`
  return `${ref.repository}:${ref.tag ?? 'latest'}`
}

const normalized = new Map<string, string | null>()

/** The familiar string of a reference, or null when it is not a valid reference. */
export function normalizeReference(ref: string): string | null {
  const known = normalized.get(ref)
  if (known !== undefined) return known
  const result = parseReference(ref)
  const familiar = result ? formatReference(result) : null
  if (normalized.size >= PARSED_MAX) normalized.clear()
  normalized.set(ref, familiar)
  return familiar
}

/** A name without a registry (`app:1`, `team/app`): Podman resolves it against several. */
export function isShortName(name: string): boolean {
  const slash = name.indexOf('/')
  if (slash < 0) return true
  const first = name.slice(0, slash)
  return !first.includes('.') && !first.includes(':') && first !== 'localhost'
}

/**
 * The references Podman tries for a name, in order (containers/image `ResolveLocally`, then its
 * compatible API's Docker Hub normalization): a short name under `localhost/` first (where its
 * loads and builds put images without a registry), then as Docker reads it.
 */
export function podmanCandidates(name: string): (string | null)[] {
  const ref = normalizeReference(name)
  return isShortName(name) ? [normalizeReference(`localhost/${name}`), ref] : [ref]
}

export function repositoryOf(ref: string): string {
  return parseReference(ref)?.repository ?? ref
}

export function isDigestReference(ref: string): boolean {
  return ref.includes('@')
}

/** Mirrors moby's isImageIDPrefix: does `name` (with or without `sha256:`) start the ID? */
export function isImageIdPrefix(imageId: string, name: string): boolean {
  if (!name) return false
  if (imageId.startsWith(name)) return true
  const colon = imageId.indexOf(':')
  return colon >= 0 && imageId.slice(colon + 1).startsWith(name)
}

/**
 * Shell-style glob (`*`, `?`) over a whole reference; `*` does not cross `/` unless doubled.
 * `anyTagOf`: the glob names a repository, and matches it with any tag or digest.
 */
export function globToRegExp(glob: string, anyTagOf = false): RegExp {
  let pattern = ''
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i]!
    if (char === '*') {
      if (glob[i + 1] === '*') {
        pattern += '.*'
        i += 1
      } else pattern += '[^/]*'
    } else if (char === '?') pattern += '[^/]'
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(anyTagOf ? `^${pattern}(?:[:@].*)?$` : `^${pattern}$`)
}
