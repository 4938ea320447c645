/**
 * `tgdeploy modwsgi` without the CLI: read the project, build and validate the
 * deployment, render the files, and decide file by file what writing them would do.
 */
import * as path from 'node:path'

import {UserError} from '../errors.js'
import {readProject} from '../project.js'
import {applyWrites, type FileOutcome, planWrites} from '../write-files.js'
import {buildDeployment, type DeployRequest, type Deployment} from './plan.js'
import {type RenderedFile, renderDeployment} from './render.js'

export interface ModwsgiInput extends DeployRequest {
  cwd: string
  config: string
  app: string
  force: boolean
}

/** What `--json` prints: plain data, the same for the same inputs. */
export interface ModwsgiResult {
  name: string
  distribution: string
  outputDir: string
  files: FileOutcome[]
  urls: Deployment['urls']
  venvs: {root: string; baseline: string; app: string; eggCache: string}
  paths: Deployment['paths']
  mount: string
  serverName: string | null
  daemon: Deployment['daemon']
  warnings: string[]
  dryRun: boolean
  changed: boolean
}

export function planModwsgi(input: ModwsgiInput): {deployment: Deployment; rendered: RenderedFile[]; result: ModwsgiResult} {
  const project = readProject(input.cwd, input.config, input.app)
  const deployment = buildDeployment(project, input)
  if (deployment.name === 'test') throw new UserError('--name: "test" would make the app script test.wsgi, the smoke check\'s name', 'choose another --name')
  const rendered = renderDeployment(deployment, path.basename(project.configFile))
  const outputDir = path.resolve(project.dir, input.output)
  const files = planWrites(outputDir, rendered, input.force)
  const result: ModwsgiResult = {
    name: deployment.name,
    distribution: deployment.distribution,
    outputDir,
    files,
    urls: deployment.urls,
    venvs: {root: deployment.paths.venvRoot, baseline: deployment.paths.baselineVenv, app: deployment.paths.appVenv, eggCache: deployment.paths.eggCache},
    paths: deployment.paths,
    mount: deployment.mount,
    serverName: deployment.serverName,
    daemon: deployment.daemon,
    warnings: deployment.warnings,
    dryRun: true,
    changed: files.some((f) => f.status !== 'unchanged'),
  }
  return {deployment, rendered, result}
}

export function runModwsgi(input: ModwsgiInput & {dryRun: boolean}): ModwsgiResult {
  const {rendered, result} = planModwsgi(input)
  if (input.dryRun) {
    const conflicts = result.files.filter((f) => f.status === 'conflict')
    if (conflicts.length) result.warnings.push(`${conflicts.map((c) => c.path).join(', ')} edited since generated: a real run needs --force`)
    return result
  }
  const files = applyWrites(result.outputDir, rendered, result.files)
  return {...result, files, dryRun: false}
}
