// docker-modem's debug('modem') logger: the debug package (~3 ms to load) only when DEBUG is set,
// which is when debug would print anything at all; otherwise a logger that prints nothing.
'use strict'
module.exports = function debugFor(namespace) {
  if (process.env.DEBUG) return require('debug')(namespace)
  const silent = function () {}
  silent.enabled = false
  return silent
}
