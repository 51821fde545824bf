// Shared by the build hook's scripts (scripts/bundle.mjs): reading the built page and the
// files it refers to, CSP hashes, and the error that stops the build with a fix to apply.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Stops the build with `message`, which says what is wrong and how to fix it. */
export class BundleError extends Error {}

/** Every file under `dir`, as paths relative to it with '/' separators, sorted. */
export function listFiles(dir) {
  const found = [];
  const walk = (at) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path); else found.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** `'sha256-…'` of `text` (UTF-8), as a CSP hash source. */
export const cspHash = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Decodes the character references Trunk writes in attribute values (`&#x2D;`, `&amp;`…). */
function decodeEntities(text) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref) => {
    if (ref[0] === '#') return String.fromCodePoint(ref[1].toLowerCase() === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10));
    return named[ref.toLowerCase()] ?? whole;
  });
}

/** The attributes of a tag's source text, e.g. `<link rel="x" href="y">` → { rel: 'x', href: 'y' }. */
export function attributes(tag) {
  const found = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    found[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return found;
}

/** Reads a file the page refers to by `href` (relative to the page, './' or not). */
export function readReferenced(dir, href, what) {
  const path = join(dir, decodeURIComponent(href.replace(/^\.\//, '').split(/[?#]/)[0]));
  if (!existsSync(path)) throw new BundleError(`${what} ${href} is referenced by index.html but missing from ${dir}; rebuild with \`trunk build --release\``);
  return readFileSync(path);
}
