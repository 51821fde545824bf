// The build hook's service worker: DIR/sw.js from public/sw.js with the build's file list and
// version (see scripts/bundle.mjs, public/sw.js).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, BundleError, listFiles } from './bundle-lib.mjs';
import { LAZY_FILES } from './bundle-sizes.mjs';

/** Files of the build the service worker does not cache. */
const NOT_SHELL = [/^sw\.js$/, /^mixplan\.html$/, /\.txt$/, /(^|\/)\./];

/**
 * Writes DIR/sw.js: public/sw.js with BUILD = { version, files, lazy }: `files` are cached at
 * install, `lazy` (the on-demand worker, LAZY_FILES) only once the page has fetched them,
 * so a first visit that loads no file does not download them. Returns the version.
 */
export function writeServiceWorker(dir) {
  const shell = listFiles(dir).filter((f) => f !== 'index.html' && !NOT_SHELL.some((re) => re.test(f)));
  const isLazy = (f) => LAZY_FILES.some((re) => re.test(f));
  const files = shell.filter((f) => !isLazy(f));
  const lazy = shell.filter(isLazy);
  const digest = createHash('sha256');
  for (const file of ['index.html', ...shell]) {
    digest.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  }
  const version = digest.digest('hex').slice(0, 16);
  const template = readFileSync(join(ROOT, 'public', 'sw.js'), 'utf8');
  const marker = /\/\* mixplan:build \*\/.*\/\* \/mixplan:build \*\//;
  if (!marker.test(template)) {
    throw new BundleError('public/sw.js lost its `/* mixplan:build */ … /* /mixplan:build */` line; put it back so the build can fill in the file list');
  }
  const build = JSON.stringify({ version, files, lazy });
  writeFileSync(join(dir, 'sw.js'), template.replace(marker, () => `/* mixplan:build */ ${build} /* /mixplan:build */`));
  return version;
}
