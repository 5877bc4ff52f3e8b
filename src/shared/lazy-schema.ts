/**
 * A schema built on first use. zod builds a schema when its expression runs, and the contract's
 * ~80 schemas cost a short command ~17 ms of its start-up (a warm `drydock plan` of 2,000 images
 * runs in ~470 ms), where it parses with one or two of them. Each shared schema is declared
 * through this, so only the ones a process uses are ever built.
 *
 * The stand-in forwards everything to the schema, built once: zod's methods are closures over
 * their schema, so calling them through the stand-in is calling them on the schema, and
 * composing a stand-in into another schema builds it when that one is built.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined
  const schema = (): T => (built ??= build())
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(schema(), key),
    set: (_, key, value) => Reflect.set(schema(), key, value),
    has: (_, key) => Reflect.has(schema(), key),
    ownKeys: () => Reflect.ownKeys(schema()),
    // Reported configurable: the stand-in's own target is empty, and a proxy may not claim a
    // fixed property its target lacks.
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(schema(), key)
      return descriptor && { ...descriptor, configurable: true }
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(schema()),
  })
}
