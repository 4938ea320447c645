#!/usr/bin/env node
import {execute} from '@oclif/core/execute'

await execute({development: true, dir: import.meta.url})
