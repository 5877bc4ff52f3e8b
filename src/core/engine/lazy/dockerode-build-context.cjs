// dockerode's util.js loads tar-fs, @balena/dockerignore and zlib at start-up for one job: packing
// a build context (buildImage), which Drydock never does. Each is loaded on first use instead
// (~10 ms of every CLI start). Stands in for all three; `name` says which (electron.vite.config).
'use strict'
function lazy(name) {
  let loaded
  const load = () => (loaded ??= require(name))
  // dockerignore is called as a function; tar-fs and zlib are used through their properties.
  return new Proxy(function lazyModule() {}, {
    apply: (_target, self, args) => load().apply(self, args),
    get: (_target, key) => load()[key],
  })
}
module.exports = lazy
