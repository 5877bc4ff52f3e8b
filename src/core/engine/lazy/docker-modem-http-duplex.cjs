// docker-modem loads its HttpDuplex (and with it readable-stream, ~5 ms) at start-up for
// hijacked streams (attach, exec), which Drydock's reads and deletes never use; the free-space
// probe's attach loads it then. Called with `new`, returning the real duplex.
'use strict'
module.exports = function HttpDuplex(...args) {
  const Real = require('docker-modem/lib/http_duplex')
  return new Real(...args)
}
