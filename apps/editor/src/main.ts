// Entry: route by path under the base path (/ → documents, /d/<name> → editor, or why the name cannot be used) and register the offline service worker.

import './style.css';
import { docNameProblem } from '@tandem/schema/doc-name';
import { renderDocument } from './pages/document.js';
import { renderHome } from './pages/home.js';
import { renderInvalidName } from './pages/invalid-name.js';
import { enterByShareLink } from './pages/share-link-entry.js';
import { reopenOnShareLink } from './pages/share-link-arrival.js';
import { appPath, BASE_PATH } from './base-path.js';
import { useDocument } from './api/session.js';

const root = document.getElementById('app')!;
const DOC_PREFIX = appPath('/d/');
const match = location.pathname.startsWith(DOC_PREFIX) && location.pathname.length > DOC_PREFIX.length ? [location.pathname, location.pathname.slice(DOC_PREFIX.length)] : null;
if (match) {
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    name = match[1]!;
  }
  // The server's own rule: a name it refuses gets a page that says so, never an editor that cannot save.
  const problem = docNameProblem(name);
  if (problem !== undefined) renderInvalidName(root, name, problem);
  else {
    useDocument(name);
    // A share link pasted into this tab later differs from its address only in the fragment: opened again.
    reopenOnShareLink();
    void enterByShareLink(root, name).then((open) => open && renderDocument(root, name));
  }
} else {
  renderHome(root);
}

// The service worker keeps the app itself available offline, so a document with unsent changes can
// be reopened (from IndexedDB) without a connection.
if ('serviceWorker' in navigator && (location.protocol === 'https:' || location.hostname === 'localhost' || location.hostname === '127.0.0.1')) {
  navigator.serviceWorker.register(appPath('/sw.js'), { scope: BASE_PATH }).catch(() => undefined);
}
