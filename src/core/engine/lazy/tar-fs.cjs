// tar-fs on first use (see dockerode-build-context.cjs).
'use strict'
module.exports = require('./dockerode-build-context.cjs')('tar-fs')
