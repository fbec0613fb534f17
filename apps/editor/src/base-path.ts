// The path the app is served under ('/' or, behind a proxy, '/docs/'): the server writes it into the
// page's <base> (BASE_PATH); every address the app builds starts from it.

/** With a trailing slash. */
export const BASE_PATH: string = new URL(document.baseURI).pathname.replace(/[^/]*$/, '');

/** `path` (written from the root: '/api/docs') under the base path ('/docs/api/docs'). */
export const appPath = (path: string): string => BASE_PATH + path.replace(/^\//, '');
