import {describe, expect, it} from 'vitest'

import {ApacheSyntaxError, directives, parseApacheConfig, splitWords} from '../../src/lib/apache/config.js'
import {accessDecision} from '../../src/lib/doctor/access-rules.js'
import {siteModel} from '../../src/lib/doctor/site.js'

describe('reading Apache config files', () => {
  it('splits words as httpd does: quotes, escaped quotes, ${VAR}', () => {
    expect(splitWords('Alias /a "/srv/my dir" \'x y\'')).toEqual(['Alias', '/a', '/srv/my dir', 'x y'])
    expect(splitWords('ErrorLog "${APACHE_LOG_DIR}/e.log"', {APACHE_LOG_DIR: '/var/log/apache2'})).toEqual(['ErrorLog', '/var/log/apache2/e.log'])
    expect(splitWords('X "a \\" b"')).toEqual(['X', 'a " b'])
    expect(splitWords('X ${UNKNOWN}')).toEqual(['X', '${UNKNOWN}'])
    expect(splitWords('WSGIDaemonProcess app home="/a b/c" threads=5')).toEqual(['WSGIDaemonProcess', 'app', 'home=/a b/c', 'threads=5'])
  })

  it('joins continuation lines, skips comments, nests sections, and keeps line numbers', () => {
    const tree = parseApacheConfig([
      '# comment',
      'WSGIDaemonProcess app \\',
      '    threads=5 \\',
      '    python-home=/venvs/BASELINE',
      '<VirtualHost *:80>',
      '    WSGIPythonHome /x',
      '    <Directory "/srv/app">',
      '        Order allow,deny',
      '    </Directory>',
      '</VirtualHost>',
    ].join('\n'), 'site.conf')
    const model = siteModel('site.conf', tree)
    expect(model.daemons).toEqual([{name: 'app', options: {threads: '5', 'python-home': '/venvs/BASELINE'}, where: 'site.conf:2', inVirtualHost: false}])
    expect(model.serverScopeInVhost.map((d) => [d.name, d.line])).toEqual([['WSGIPythonHome', 6]])
    expect(model.accessCompat.map((d) => d.line)).toEqual([8])
    expect([...directives(tree)].find((d) => d.directive.name === 'Order')!.ancestors.map((a) => a.name)).toEqual(['VirtualHost', 'Directory'])
  })

  it('refuses unbalanced sections with file and line', () => {
    expect(() => parseApacheConfig('<Directory /x>\nRequire all granted\n', 'a.conf')).toThrow(ApacheSyntaxError)
    expect(() => parseApacheConfig('<Directory /x>\n</Files>\n', 'a.conf')).toThrow(/a\.conf:2: <\/Files> without matching/)
  })
})

describe('which Require decides', () => {
  const tree = (text: string) => parseApacheConfig(text, 'site.conf')
  const base = tree('<Directory />\n    Require all denied\n</Directory>\n<Directory /usr/share>\n    Require all granted\n</Directory>')

  it('the longest matching <Directory> with Require lines wins; <Files> after it', () => {
    const site = tree([
      '<Directory /srv/app/apache>',
      '    Require all denied',
      '    <Files "app.wsgi">',
      '        Require all granted',
      '    </Files>',
      '</Directory>',
    ].join('\n'))
    expect(accessDecision([base, site], '/srv/app/apache/app.wsgi', true)).toEqual({granted: true, decidedBy: 'site.conf:4'})
    expect(accessDecision([base, site], '/srv/app/apache/other.wsgi', true)).toEqual({granted: false, decidedBy: 'site.conf:2'})
    expect(accessDecision([base, site], '/srv/elsewhere/app.wsgi', true)).toEqual({granted: false, decidedBy: 'site.conf:2'})
    expect(accessDecision([base], '/usr/share/doc/x', true).granted).toBe(true)
  })

  it('Require local/ip grant someone; no Require at all is httpd\'s default grant', () => {
    expect(accessDecision([tree('<Directory /a>\n<RequireAny>\nRequire local\n</RequireAny>\n</Directory>')], '/a/b', true).granted).toBe(true)
    expect(accessDecision([tree('<Directory /a>\nOptions -Indexes\n</Directory>')], '/a/b', true)).toEqual({granted: true, decidedBy: null})
    expect(accessDecision([tree('<Directory /home/*/public>\nRequire all denied\n</Directory>')], '/home/bob/public/x', true).granted).toBe(false)
  })
})
