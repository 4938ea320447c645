#!/usr/bin/env node
// dist/oclif.js is @oclif/core bundled by the build (scripts/bundle-commands.mjs)
import {execute} from '../dist/oclif.js'

await execute({dir: import.meta.url})
