// docker-modem loads ssh2 at start-up; only ssh:// hosts need it, so it is loaded on first use.
'use strict'
module.exports = function ssh(...args) {
  return require('docker-modem/lib/ssh')(...args)
}
