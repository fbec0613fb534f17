// Tandem's service worker: keeps the app shell (index.html and its hashed assets) so the editor
// opens without a connection. Document data never goes through here (it lives in IndexedDB and
// travels over the WebSocket); the API is always fetched from the network. Everything is addressed
// from the worker's scope: the app's base path ('/', or '/docs/' behind a proxy).
const CACHE = 'tandem-shell-v2';
const SCOPE = new URL(self.registration.scope).pathname;
const ASSETS = `${SCOPE}assets/`;

async function precache() {
  const cache = await caches.open(CACHE);
  const res = await fetch(SCOPE, { cache: 'no-store' });
  if (!res.ok) return;
  const html = await res.clone().text();
  await cache.put(SCOPE, res);
  // Asset addresses in the page are relative to its <base>, the scope.
  const assets = [...html.matchAll(/(?:src|href)="(?:\.\/|\/)?(assets\/[^"]+)"/g)].map((m) => `${SCOPE}${m[1]}`);
  await cache.addAll(assets);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (event.request.mode === 'navigate') {
    // Network first, so a deploy is picked up at once; the cached shell when offline.
    event.respondWith(
      fetch(event.request).then(
        (res) => {
          if (res.ok) void caches.open(CACHE).then((c) => c.put(SCOPE, res.clone()));
          return res;
        },
        async () => (await caches.match(SCOPE)) ?? Response.error(),
      ),
    );
    return;
  }
  if (url.pathname.startsWith(ASSETS)) {
    // Hashed file names never change content: cache first.
    event.respondWith(
      caches.match(event.request).then(
        (hit) =>
          hit ??
          fetch(event.request).then((res) => {
            if (res.ok) void caches.open(CACHE).then((c) => c.put(event.request, res.clone()));
            return res;
          }),
      ),
    );
  }
});
