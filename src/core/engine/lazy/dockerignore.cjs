// @balena/dockerignore on first use (see dockerode-build-context.cjs).
'use strict'
module.exports = require('./dockerode-build-context.cjs')('@balena/dockerignore')
