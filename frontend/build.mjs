#!/usr/bin/env node
// Line of Sight front-end build: `npm run build` (from frontend/).
//
// Compiles src/lineofsight.scss and copies the few files the product needs
// from the pinned npm packages into lineofsight/web/static/lineofsight/, and
// vendors axe-core into tests/browser/vendor/. No bundler. See docs/assets.md.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'
import { faviconSvg, ico, png } from './icons.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = resolve(here, '..')
const modules = join(here, 'node_modules')
const out = join(repo, 'lineofsight', 'web', 'static', 'lineofsight')
const vendor = join(repo, 'tests', 'browser', 'vendor')

const pkg = (name) => JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8'))
const govuk = pkg('govuk-frontend')
const moj = pkg('@ministryofjustice/frontend')
const axe = pkg('axe-core')

const imageSources = [
  join(modules, '@ministryofjustice', 'frontend', 'moj', 'assets', 'images'),
  join(modules, 'govuk-frontend', 'dist', 'govuk', 'assets', 'images')
]

function fail (message) {
  console.error(`build failed: ${message}`)
  process.exit(1)
}

// Minified JS without its sourceMappingURL (the .map is not shipped, and
// Django's manifest storage fails on references to missing files).
function copyJs (from, to, banner) {
  const js = readFileSync(from, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
  writeFileSync(to, `${banner}\n${js}`)
}

// The output folder is generated: start clean so nothing stale is committed.
rmSync(out, { recursive: true, force: true })
mkdirSync(join(out, 'images'), { recursive: true })
mkdirSync(vendor, { recursive: true })

// 1. Stylesheet.
const result = sass.compile(join(here, 'src', 'lineofsight.scss'), {
  style: 'compressed',
  sourceMap: false,
  loadPaths: [here], // MOJ Frontend loads "node_modules/govuk-frontend/..."
  importers: [new sass.NodePackageImporter(here)],
  quietDeps: true, // deprecation warnings from inside the packages
  silenceDeprecations: ['import'] // src/_govuk.scss @imports GOV.UK Frontend 5
})
let css = result.css
if (/GDS Transport/i.test(css)) fail('lineofsight.css mentions GDS Transport')
if (/@font-face/i.test(css)) fail('lineofsight.css contains @font-face')
if (/url\([^)]*(crest|crown)/i.test(css)) fail('lineofsight.css refers to a crest or crown image')
const banner = `/*! Line of Sight | govuk-frontend ${govuk.version} (${govuk.license}) | ` +
  `@ministryofjustice/frontend ${moj.version} (${moj.license}) | see LICENCES.txt */`
const bom = css.startsWith('\uFEFF') ? '\uFEFF' : ''
css = bom + banner + '\n' + css.slice(bom.length) + '\n'
writeFileSync(join(out, 'lineofsight.css'), css)

// 2. Images the stylesheet refers to (only those), found in the packages.
const urls = new Set([...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]))
for (const url of urls) {
  if (url.startsWith('data:')) continue
  if (!url.startsWith('images/')) fail(`unexpected url() in CSS: ${url}`)
  const name = url.slice('images/'.length)
  const source = imageSources.map((dir) => join(dir, name)).find((file) => existsSync(file))
  if (!source) fail(`image ${name} referred to by the CSS is in neither package`)
  copyFileSync(source, join(out, 'images', name))
}

// 3. Council icons (not the GOV.UK crown favicons), for the base template.
writeFileSync(join(out, 'images', 'favicon.svg'), faviconSvg())
writeFileSync(join(out, 'images', 'favicon.ico'), ico([16, 32, 48]))
writeFileSync(join(out, 'images', 'apple-touch-icon.png'), png(180))

// 4. JavaScript: both are ES modules, started by init.js.
copyJs(join(modules, 'govuk-frontend', 'dist', 'govuk', 'govuk-frontend.min.js'),
  join(out, 'govuk-frontend.min.js'), `/*! govuk-frontend ${govuk.version} | ${govuk.license} | see LICENCES.txt */`)
copyJs(join(modules, '@ministryofjustice', 'frontend', 'moj', 'moj-frontend.min.js'),
  join(out, 'moj-frontend.min.js'), `/*! @ministryofjustice/frontend ${moj.version} | ${moj.license} | see LICENCES.txt */`)
copyFileSync(join(here, 'src', 'init.js'), join(out, 'init.js'))

// 5. Licence notice for what is served.
writeFileSync(join(out, 'LICENCES.txt'), `Third-party code in lineofsight.css, govuk-frontend.min.js and moj-frontend.min.js

govuk-frontend ${govuk.version}, ${govuk.license} licence
  Copyright (C) 2017 Crown Copyright (Government Digital Service)
  ${govuk.homepage || 'https://github.com/alphagov/govuk-frontend'}

@ministryofjustice/frontend ${moj.version}, ${moj.license} licence
  Copyright the MOJ Frontend contributors
  ${moj.homepage || 'https://github.com/ministryofjustice/moj-frontend'}

MIT licence:

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`)

// 6. axe-core for the browser tests (MPL-2.0; the file keeps its notice).
copyFileSync(join(modules, 'axe-core', 'axe.min.js'), join(vendor, 'axe.min.js'))
writeFileSync(join(vendor, 'LICENSE-axe-core.txt'), `axe.min.js is axe-core ${axe.version} by Deque Systems, Inc., copied unchanged
from the npm package by frontend/build.mjs (npm run build).

Licence: ${axe.license} (Mozilla Public License 2.0), https://mozilla.org/MPL/2.0/
Source code: https://github.com/dequelabs/axe-core/tree/v${axe.version}
It is used only by the browser tests and is not served by the product.
`)

// Summary.
function list (dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, name))
    .filter((file) => statSync(file).isFile())
    .sort()
}
let total = 0
for (const file of [...list(out), ...list(vendor)]) {
  const size = statSync(file).size
  if (file.startsWith(out)) total += size
  console.log(`${String(size).padStart(9)}  ${relative(repo, file)}`)
}
console.log(`${String(total).padStart(9)}  total in ${relative(repo, out)}/`)
