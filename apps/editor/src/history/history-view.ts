// The history view: the timeline of edit sessions, a slider over every update with play/pause, the
// read-only document at the chosen point with changes since a base version painted by author, and
// buttons to name, restore and export that version.

import { EditorState, Plugin } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import {
  type EditSession,
  downloadVersion,
  fetchDiff,
  fetchTimeline,
  fetchVersion,
  listNamedVersions,
  type NamedVersion,
  nameVersion,
  type RestoreResult,
  restoreVersion,
} from '../api/client.js';
import { schema } from '../schema.js';
import { authorColor, diffDecorations } from './diff-decorations.js';
import { confirmRestore } from './restore-dialog.js';

export interface HistoryView {
  readonly panel: HTMLElement;
  readonly viewer: HTMLElement;
  destroy(): void;
}

const SPEEDS = [1, 5, 20, 100];
/** Connection ids (anonymous authors) are long: show a short, stable handle instead. */
const who = (author: string) => (author.startsWith('conn-') ? `guest ${author.slice(5, 11)}` : author);
const time = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export function createHistoryView(docName: string, options: { canEdit: boolean; onRestored: (result: RestoreResult) => void }): HistoryView {
  const panel = document.createElement('aside');
  panel.className = 'history-panel';
  panel.setAttribute('aria-label', 'History');
  panel.innerHTML = `
    <h2>History</h2>
    <div class="scrub">
      <button type="button" class="play" aria-label="Play">▶</button>
      <input type="range" class="slider" min="0" max="0" value="0" aria-label="Version" data-testid="history-slider" />
      <select class="speed" aria-label="Playback speed">${SPEEDS.map((s) => `<option value="${s}">${s}×</option>`).join('')}</select>
    </div>
    <p class="version-label" data-testid="history-version">Loading…</p>
    <label class="base">Show changes since
      <select class="base-select" data-testid="history-base"></select>
    </label>
    <div class="history-actions">
      <button type="button" class="name-version">Name this version</button>
      <button type="button" class="restore" data-testid="history-restore">Restore this version</button>
    </div>
    <p class="exports">Export: <button type="button" class="link" data-format="markdown">Markdown</button> · <button type="button" class="link" data-format="html">HTML</button> · <button type="button" class="link" data-format="json">JSON</button></p>
    <ul class="legend"></ul>
    <h3>Named versions</h3>
    <ul class="named-versions"><li class="muted">None yet</li></ul>
    <h3>Edit sessions</h3>
    <ol class="sessions" reversed></ol>`;
  // The page's main content while the live editor (the other <main>) is hidden.
  const viewer = document.createElement('main');
  viewer.className = 'version-view';
  viewer.setAttribute('aria-label', 'Version');
  viewer.dataset.testid = 'history-document';

  const $ = <T extends HTMLElement>(selector: string) => panel.querySelector<T>(selector)!;
  const slider = $<HTMLInputElement>('.slider');
  const play = $<HTMLButtonElement>('.play');
  const speed = $<HTMLSelectElement>('.speed');
  const label = $<HTMLParagraphElement>('.version-label');
  const baseSelect = $<HTMLSelectElement>('.base-select');
  const restore = $<HTMLButtonElement>('.restore');
  const nameButton = $<HTMLButtonElement>('.name-version');
  if (!options.canEdit) {
    restore.hidden = true;
    nameButton.hidden = true;
  }

  let sessions: EditSession[] = [];
  let named: NamedVersion[] = [];
  const view = new EditorView(viewer, {
    state: EditorState.create({ schema }),
    editable: () => false,
    attributes: {
      class: 'document version-document',
      role: 'textbox',
      'aria-readonly': 'true',
      'aria-multiline': 'true',
      'aria-label': 'Document at the chosen version',
    },
  });

  const sessionOf = (seq: number) => sessions.find((s) => seq >= s.fromSeq && seq <= s.toSeq);
  const baseFor = (seq: number): number => {
    const choice = baseSelect.value;
    if (choice === 'session') return Math.max(0, (sessionOf(seq)?.fromSeq ?? seq) - 1);
    return Math.min(Number(choice), seq);
  };

  let controller: AbortController | undefined;
  let pending: number | undefined;
  const show = async (seq: number) => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const session = sessionOf(seq);
    label.textContent = seq === 0 ? 'Version 0 · empty document' : `Version ${seq}${session ? ` · ${who(session.author)} · ${time(session.endedAt)}` : ''}`;
    label.dataset.seq = String(seq);
    try {
      const base = baseFor(seq);
      const [content, segments] = await Promise.all([fetchVersion(docName, seq, signal), fetchDiff(docName, base, seq, signal)]);
      const doc = schema.nodeFromJSON(content);
      const decorations = diffDecorations(doc, segments);
      view.updateState(EditorState.create({ doc, plugins: [new Plugin({ props: { decorations: () => decorations } })] }));
      viewer.dataset.seq = String(seq);
      const authors = [...new Set(segments.filter((s) => s.author !== undefined).map((s) => s.author!))];
      $('.legend').replaceChildren(
        ...authors.map((a) => {
          const li = document.createElement('li');
          li.innerHTML = `<span class="person-dot"></span>`;
          (li.firstChild as HTMLElement).style.backgroundColor = authorColor(a);
          li.append(who(a));
          return li;
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'AbortError') label.textContent = `Could not load version ${seq}: ${(error as Error).message}`;
    }
  };
  // Scrubbing: show the newest position once per frame, cancelling requests that are out of date.
  const scrubTo = (seq: number) => {
    slider.value = String(seq);
    if (pending !== undefined) return;
    pending = requestAnimationFrame(() => {
      pending = undefined;
      void show(Number(slider.value));
    });
  };
  slider.addEventListener('input', () => scrubTo(Number(slider.value)));
  baseSelect.addEventListener('change', () => void show(Number(slider.value)));

  let timer: number | undefined;
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    play.textContent = '▶';
    play.setAttribute('aria-label', 'Play');
  };
  play.addEventListener('click', () => {
    if (timer !== undefined) return stop();
    if (Number(slider.value) >= Number(slider.max)) scrubTo(0);
    play.textContent = '❚❚';
    play.setAttribute('aria-label', 'Pause');
    timer = window.setInterval(() => {
      const next = Math.min(Number(slider.max), Number(slider.value) + Number(speed.value));
      scrubTo(next);
      if (next >= Number(slider.max)) stop();
    }, 120);
  });

  restore.addEventListener('click', async () => {
    const seq = Number(slider.value);
    const session = sessionOf(seq);
    const at = seq === 0 ? null : (session?.endedAt ?? null);
    if (!(await confirmRestore({ seq, at, ...(session ? { author: who(session.author) } : {}) }))) return restore.focus();
    try {
      options.onRestored(await restoreVersion(docName, seq));
    } catch (error) {
      label.textContent = `Restore failed: ${(error as Error).message}`;
    }
  });
  nameButton.addEventListener('click', async () => {
    const seq = Number(slider.value);
    const text = window.prompt(`Name version ${seq}`, '');
    if (text === null || text.trim() === '') return;
    await nameVersion(docName, seq, text.trim());
    await loadNamed();
  });
  panel.querySelectorAll<HTMLButtonElement>('.exports button').forEach((button) =>
    button.addEventListener('click', async () => {
      const seq = Number(slider.value);
      try {
        await downloadVersion(docName, seq, button.dataset.format as 'markdown' | 'html' | 'json');
      } catch (error) {
        label.textContent = `Export failed: ${(error as Error).message}`;
      }
    }),
  );

  const jumpButton = (text: string, seq: number) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link';
    b.textContent = text;
    b.addEventListener('click', () => scrubTo(seq));
    li.append(b);
    return li;
  };
  const loadNamed = async () => {
    named = await listNamedVersions(docName);
    const list = $('.named-versions');
    if (named.length === 0) list.innerHTML = '<li class="muted">None yet</li>';
    else list.replaceChildren(...named.map((v) => jumpButton(`${v.label} (v${v.seq})`, v.seq)));
    baseSelect.replaceChildren(
      new Option('the start of that edit session', 'session'),
      new Option('an empty document', '0'),
      ...named.map((v) => new Option(`“${v.label}” (v${v.seq})`, String(v.seq))),
    );
  };

  void (async () => {
    try {
      const timeline = await fetchTimeline(docName);
      sessions = timeline.sessions;
      slider.max = String(timeline.lastSeq);
      await loadNamed();
      $('.sessions').replaceChildren(
        ...[...sessions].reverse().map((s) => {
          const li = jumpButton(`${who(s.author)} · ${time(s.startedAt)} · +${s.added} −${s.removed}`, s.toSeq);
          li.style.borderLeft = `3px solid ${authorColor(s.author)}`;
          return li;
        }),
      );
      scrubTo(timeline.lastSeq);
    } catch (error) {
      label.textContent = `Could not load the history: ${(error as Error).message}`;
    }
  })();

  return {
    panel,
    viewer,
    destroy() {
      stop();
      controller?.abort();
      view.destroy();
    },
  };
}
