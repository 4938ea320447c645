import {Flags} from '@oclif/core'

/** The virtualenv layout, shared by `modwsgi` and `venv` so both always agree on paths. */
export const layoutFlags = {
  'venv-root': Flags.string({description: 'directory that holds the virtualenvs', default: '/usr/local/pythonenv'}),
  baseline: Flags.string({description: 'name of the empty baseline virtualenv (mod_wsgi\'s python-home)', default: 'BASELINE'}),
  venv: Flags.string({description: 'name of the application virtualenv (default: the site name)'}),
}
