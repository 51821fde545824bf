// mixplan's service worker: keeps the app shell (the page, its JS, wasm, CSS, plotly.js, the
// fit worker, manifest and icons) in a cache named after the build, so the site reloads and
// plans with the network off.
//
// - Install: caches every file of the shell (BUILD.files, relative to this script), then
//   takes over at once (skipWaiting); activate deletes the caches of other builds and
//   claims the open pages. The lazy files (BUILD.lazy: the on-demand worker, which the
//   page starts only when a file is loaded or the model checks are opened) are not fetched
//   at install, so a first visit does not download them; they are cached like the shell
//   once the page has fetched them (offline, loading a file and the model checks then work
//   if they were used online with this build; the one-file bundle always has them).
// - Fetch: network first, the cache when the network fails. Online, every visit gets the
//   files of the build that is deployed (so an update is picked up on the next online visit,
//   and a page never mixes the glue of one build with the wasm of another, which a
//   cache-first worker would do for the unhashed fit-worker files); offline, the shell comes
//   from the cache. Responses to shell files refresh the cache. Only GET requests under this
//   worker's scope are answered; nothing else is touched.
//
// The build fills BUILD: scripts/bundle.mjs (a Trunk post_build hook) replaces the line below
// with the version (a hash of the shell's contents) and the file list.
const BUILD = /* mixplan:build */ { version: 'unbuilt', files: [], lazy: [] } /* /mixplan:build */;

const CACHE_PREFIX = 'mixplan-shell-';
const CACHE = `${CACHE_PREFIX}${BUILD.version}`;
const SCOPE = new URL('./', self.location.href).href;
/** Absolute URLs of the shell ('./' is the page itself, as navigations ask for it). */
const SHELL = new Set(['./', ...BUILD.files].map((file) => new URL(file, SCOPE).href));
/** Absolute URLs of the lazy files (cached when fetched, not at install). */
const LAZY = new Set((BUILD.lazy ?? []).map((file) => new URL(file, SCOPE).href));
const INDEX = new URL('./index.html', SCOPE).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll([...SHELL]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

/** The shell's cache key for `request` (the page itself for './' and './index.html'), or
 * undefined when the request is not for a shell file nor a lazy one. */
function shellKey(request) {
  const url = new URL(request.url);
  url.hash = '';
  url.search = '';
  if (url.href === INDEX) return SCOPE;
  return SHELL.has(url.href) || LAZY.has(url.href) ? url.href : undefined;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  const key = shellKey(request);
  if (key === undefined) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      // Only whole, successful same-origin responses replace what the cache holds.
      if (response.ok && response.type === 'basic' && response.status === 200) {
        event.waitUntil(cache.put(key, response.clone()));
      }
      return response;
    } catch (networkError) {
      const cached = await cache.match(key);
      if (cached) return cached;
      throw networkError;
    }
  })());
});
