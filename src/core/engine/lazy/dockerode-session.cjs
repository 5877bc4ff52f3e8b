// dockerode loads gRPC and protobuf at start-up for BuildKit sessions, which only image builds
// use; Drydock never builds, so that cost (about 90 ms of every CLI start) is paid on first use.
'use strict'
module.exports = function withSession(...args) {
  return require('dockerode/lib/session')(...args)
}
