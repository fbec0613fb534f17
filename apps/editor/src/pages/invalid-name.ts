// The page of a /d/<name> address whose name the server refuses: it says why and links to a name
// that works. No editor, no socket, no local copy: nothing could ever be saved under this name.

import { suggestDocName } from '@tandem/schema/doc-name';
import { documentPath } from '../api/client.js';
import { createNotice, type NoticeLink } from './notice.js';
import { BASE_PATH } from '../base-path.js';

export function renderInvalidName(root: HTMLElement, name: string, problem: string): void {
  document.title = 'Invalid document name · Tandem';
  root.innerHTML = `
    <header class="topbar">
      <a class="brand" href="${BASE_PATH}" title="All documents">Tandem</a>
      <h1 class="doc-title"></h1>
    </header>
    <main class="doc-invalid"></main>`;
  root.querySelector('.doc-title')!.textContent = name;
  const suggestion = suggestDocName(name);
  const links: NoticeLink[] = [];
  if (suggestion !== undefined) links.push({ label: `Open “${suggestion}” instead`, href: documentPath(suggestion) });
  links.push({ label: 'All documents', href: BASE_PATH });
  root.querySelector('.doc-invalid')!.append(
    createNotice({
      title: 'This document name cannot be used',
      text: `This name ${problem}, so nothing can be saved under it. Choose another name on the start page.`,
      links,
    }),
  );
}
