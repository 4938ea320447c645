import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // the real-Apache suites each start their own server on their own port
    fileParallelism: true,
    maxWorkers: 2,
    env: {FORCE_COLOR: '0'},
    reporters: ['default', 'junit'],
    outputFile: {junit: 'test/.tmp/junit.xml'},
  },
})
