// Entry: route by path (/ → documents, /d/<name> → editor, or why the name cannot be used) and register the offline service worker.

import './style.css';
import { docNameProblem } from '@tandem/schema/doc-name';
import { renderDocument } from './pages/document.js';
import { renderHome } from './pages/home.js';
import { renderInvalidName } from './pages/invalid-name.js';

const root = document.getElementById('app')!;
const match = /^\/d\/(.+)$/.exec(location.pathname);
if (match) {
  let name: string;
  try {
    name = decodeURIComponent(match[1]!);
  } catch {
    name = match[1]!;
  }
  // The server's own rule: a name it refuses gets a page that says so, never an editor that cannot save.
  const problem = docNameProblem(name);
  if (problem === undefined) renderDocument(root, name);
  else renderInvalidName(root, name, problem);
} else {
  renderHome(root);
}

// The service worker keeps the app itself available offline, so a document with unsent changes can
// be reopened (from IndexedDB) without a connection.
if ('serviceWorker' in navigator && (location.protocol === 'https:' || location.hostname === 'localhost' || location.hostname === '127.0.0.1')) {
  navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
