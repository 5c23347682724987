// The officer app's service worker: it makes the app installable and opens it without signal.
// Only the app shell is cached (network first, so a deploy is seen at once); the API and
// /config.json are never cached, because a stale state or address could mislead.
const SHELL = "safe-connection-officer-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(["/officer/"])).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const sameOrigin = url.origin === self.location.origin;
  const shell = sameOrigin && event.request.method === "GET" && (url.pathname.startsWith("/officer/") || url.pathname.startsWith("/assets/"));
  if (!shell) return; // API, Cognito, Chime and config.json go straight to the network.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(SHELL).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request).then((cached) => cached || Response.error())),
  );
});
