// Tells screen-reader users when the document's state changes (offline, back and saved, refused),
// not each time a keystroke is saved: the visible status updates silently, this region speaks.

import type { SyncStatus } from './sync-status.js';

/** How long a state must hold before it is announced: "Saving…/Saved" per keystroke never settles. */
const SETTLE_MS = 1000;
/** Saving is announced only when it takes this long (a slow or stalled server), never per keystroke. */
const SLOW_SAVE_MS = 3000;

export interface StatusAnnouncer {
  readonly element: HTMLElement;
  update(status: SyncStatus, text: string): void;
}

/** What to say for a state; `undefined` for "Connecting…", a passing state between two that matter. */
const phrase = (s: SyncStatus, text: string): string | undefined => (s.connection === 'connecting' ? undefined : text);

export function createStatusAnnouncer(): StatusAnnouncer {
  const element = document.createElement('div');
  element.className = 'visually-hidden';
  element.setAttribute('role', 'status');
  element.dataset.testid = 'status-announcer';
  // The first settled state is the page's starting point, not news, unless it is bad news.
  let announced: string | undefined;
  let pending: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const settle = (next: string, calm: boolean) => {
    if (announced === undefined && calm) announced = next;
    else if (next !== announced) {
      announced = next;
      element.textContent = next;
    }
  };

  return {
    element,
    update(status, text) {
      const next = phrase(status, text);
      if (next === undefined || next === pending) return;
      pending = next;
      clearTimeout(timer);
      const saving = status.connection === 'connected' && !status.saved;
      const calm = status.connection === 'connected';
      timer = setTimeout(() => settle(next, calm), saving ? SLOW_SAVE_MS : SETTLE_MS);
    },
  };
}
