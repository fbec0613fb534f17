// What the document page says when the server refuses this browser for good (no token, an expired
// or forged one, no access to this document, or another 44xx close), and where to go from there.

import type { Notice } from './notice.js';
import { BASE_PATH } from '../base-path.js';

const EDITING_OFF = 'Editing is off here: nothing typed on this page could be saved.';
const HOME = { label: 'All documents', href: BASE_PATH } as const;

/** `reason`: SyncStatus.deniedReason (an HTTP status or a close code, then words). */
export function accessNotice(reason: string, hasToken: boolean): Notice {
  if (/^4?401 token-revoked\b/.test(reason)) {
    return {
      title: 'Your access to this document was withdrawn',
      text: `The link you opened was revoked, or your access was. Ask the person who shared it for a new link. ${EDITING_OFF}`,
      links: [HOME],
    };
  }
  if (/^4?401\b/.test(reason)) {
    return hasToken
      ? {
          title: 'Your access link has expired or is not valid',
          text: `Ask the person who shared this document for a new link, then open it. ${EDITING_OFF}`,
          links: [HOME],
        }
      : {
          title: 'You need an access link to open this document',
          text: `This server asks everyone for one. Open the link you were given (it ends in ?token=…), or ask the person who shared it for one. ${EDITING_OFF}`,
          links: [HOME],
        };
  }
  if (/^4?403\b/.test(reason)) {
    return {
      title: 'Your access link does not include this document',
      text: `Ask the person who shared it for a link to this document. ${EDITING_OFF}`,
      links: [HOME],
    };
  }
  if (/^4?410\b/.test(reason)) {
    return {
      title: 'This document is in the trash',
      text: `Someone deleted it. An editor can restore it from the trash on the start page; after that, reload this page. ${EDITING_OFF}`,
      links: [{ label: 'Trash', href: `${BASE_PATH}#trash` }, HOME],
    };
  }
  return {
    title: 'The server closed this document',
    text: `It said: ${reason}. Reload the page to try again. ${EDITING_OFF}`,
    links: [HOME],
  };
}
