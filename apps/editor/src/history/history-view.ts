// The history view: the timeline of edit sessions, a slider over every update with play/pause, the
// read-only document at the chosen point with changes since a base version painted by author, and
// buttons to name, restore and export that version.

import { EditorState, Plugin } from 'prosemirror-state';
import { EditorView } from 'prosemirror-view';
import {
  type AuthorInfo,
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
import { diffDecorations } from './diff-decorations.js';
import { authorInfo, authorNamesInProse, pointLabel, sessionAt, sessionWhen } from './history-labels.js';
import { confirmRestore } from './restore-dialog.js';

export interface HistoryView {
  readonly panel: HTMLElement;
  readonly viewer: HTMLElement;
  /**
   * Reads the timeline again: versions made since (someone else typing while the view is open) reach the
   * slider and the list of edit sessions. The version on screen stays until the person moves.
   */
  refresh(): Promise<void>;
  destroy(): void;
}

const SPEEDS = [1, 5, 20, 100];

/** A colour swatch and a name, as text (names are chosen by people: never parsed as HTML). */
function personChip(info: { name: string; color: string }): DocumentFragment {
  const chip = document.createDocumentFragment();
  const dot = document.createElement('span');
  dot.className = 'person-dot';
  dot.style.backgroundColor = info.color;
  const name = document.createElement('span');
  name.className = 'person-label';
  name.textContent = info.name;
  chip.append(dot, name);
  return chip;
}

/** `docName`: the document's name now (it is renamed while the view is open, by this person or another). */
export function createHistoryView(docName: () => string, options: { canEdit: boolean; onRestored: (result: RestoreResult) => void }): HistoryView {
  const panel = document.createElement('aside');
  panel.className = 'history-panel';
  panel.setAttribute('aria-label', 'History');
  // Comparing and naming come first; restoring, which changes the document for everyone, is secondary.
  panel.innerHTML = `
    <h2>History</h2>
    <p class="version-label" data-testid="history-version" aria-live="polite">Loading…</p>
    <div class="scrub">
      <button type="button" class="play" aria-label="Play" disabled>▶</button>
      <input type="range" class="slider" min="0" max="0" value="0" aria-label="Point in time" data-testid="history-slider" disabled />
      <select class="speed" aria-label="Playback speed" disabled>${SPEEDS.map((s) => `<option value="${s}">${s}×</option>`).join('')}</select>
    </div>
    <div class="history-primary">
      <label class="base">Compare with
        <select class="base-select" data-testid="history-base" disabled></select>
      </label>
      <button type="button" class="name-version" disabled>Name this version</button>
    </div>
    <ul class="legend" aria-label="Changes by"></ul>
    <p class="exports">Export: <button type="button" class="link" data-format="markdown" disabled>Markdown</button> · <button type="button" class="link" data-format="html" disabled>HTML</button> · <button type="button" class="link" data-format="json" disabled>JSON</button></p>
    <h3>Edit sessions</h3>
    <ol class="sessions" reversed><li class="muted">Loading…</li></ol>
    <h3>Named versions</h3>
    <ul class="named-versions"><li class="muted">None yet</li></ul>
    <div class="history-secondary">
      <button type="button" class="restore" data-testid="history-restore" disabled>Restore this version</button>
    </div>`;
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
  /** Every author id seen in a response → name and colour (a rename shows on the next load). */
  const lookup: Record<string, AuthorInfo> = Object.create(null) as Record<string, AuthorInfo>; // ids are any string, "__proto__" too
  const controls = () => [
    slider,
    play,
    speed,
    baseSelect,
    nameButton,
    restore,
    ...panel.querySelectorAll<HTMLButtonElement>('.exports button'),
  ];
  const enable = (on: boolean) => controls().forEach((c) => (c.disabled = !on));
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

  const sessionOf = (seq: number) => sessionAt(sessions, seq);
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
    label.textContent = pointLabel(seq, sessionOf(seq), lookup);
    label.dataset.seq = String(seq);
    slider.setAttribute('aria-valuetext', label.textContent);
    try {
      const base = baseFor(seq);
      const [content, diff] = await Promise.all([fetchVersion(docName(), seq, signal), fetchDiff(docName(), base, seq, signal)]);
      // A newer request may have begun while this one's answers were being read (the abort comes too late
      // once a body is in): its view is the one to keep.
      if (signal.aborted) return;
      Object.assign(lookup, diff.authors);
      const { segments } = diff;
      const doc = schema.nodeFromJSON(content);
      const decorations = diffDecorations(doc, segments, lookup);
      view.updateState(EditorState.create({ doc, plugins: [new Plugin({ props: { decorations: () => decorations } })] }));
      viewer.dataset.seq = String(seq);
      // The version the changes on screen are since: until a newly chosen base's diff comes, the previous
      // one stays on screen, and a reader (a test) must tell which it sees.
      viewer.dataset.base = String(base);
      const authors = [...new Set(segments.filter((s) => s.author !== undefined).map((s) => s.author!))];
      $('.legend').replaceChildren(
        ...authors.map((a) => {
          const li = document.createElement('li');
          li.append(personChip(authorInfo(a, lookup)));
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
    const by = session === undefined ? undefined : authorNamesInProse(session.authors.map((a) => a.id), lookup);
    // A version part way through its session: the session's end time and authors are not the version's.
    const question =
      seq > 0 && session !== undefined && by !== undefined && seq < session.toSeq
        ? { seq, at: null, during: { when: sessionWhen(session), authors: by } }
        : { seq, at, ...(by === undefined ? {} : { author: by }) };
    if (!(await confirmRestore(question))) return restore.focus();
    try {
      options.onRestored(await restoreVersion(docName(), seq));
    } catch (error) {
      label.textContent = `Restore failed: ${(error as Error).message}`;
    }
  });
  nameButton.addEventListener('click', async () => {
    const seq = Number(slider.value);
    const text = window.prompt(`Name this version (${label.textContent ?? ''})`, '');
    if (text === null || text.trim() === '') return;
    const name = text.trim();
    // Checked here as the server does (1 to 200 characters), and whatever the server refuses is said too:
    // a refused name used to fail without a word.
    if ([...name].length > 200) {
      label.textContent = `Naming failed: a name has at most 200 characters (this one has ${[...name].length})`;
      return;
    }
    try {
      await nameVersion(docName(), seq, name);
    } catch (error) {
      label.textContent = `Naming failed: ${(error as Error).message}`;
      return;
    }
    await loadNamed();
  });
  panel.querySelectorAll<HTMLButtonElement>('.exports button').forEach((button) =>
    button.addEventListener('click', async () => {
      const seq = Number(slider.value);
      try {
        await downloadVersion(docName(), seq, button.dataset.format as 'markdown' | 'html' | 'json');
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
    named = await listNamedVersions(docName());
    const list = $('.named-versions');
    if (named.length === 0) list.innerHTML = '<li class="muted">None yet</li>';
    else list.replaceChildren(...named.map((v) => jumpButton(`${v.label} (v${v.seq})`, v.seq)));
    // Keep the base being compared with (the diff on screen was made against it); if it is gone, show the
    // version again against the one the select falls back to.
    const chosen = baseSelect.value;
    baseSelect.replaceChildren(
      new Option('the start of its edit session', 'session'),
      new Option('an empty document', '0'),
      ...named.map((v) => new Option(`“${v.label}” (v${v.seq})`, String(v.seq))),
    );
    if (chosen === '' || [...baseSelect.options].some((o) => o.value === chosen)) baseSelect.value = chosen || 'session';
    else void show(Number(slider.value));
  };

  /**
   * The list of edit sessions, newest first, each session's item kept by where it starts and changed in place:
   * a refresh (every few seconds while someone types) that replaced the buttons took the keyboard's place
   * with them, and a click pressed before it and released after it (a replaced element gets no click).
   */
  const sessionViews = new Map<number, { li: HTMLLIElement; button: HTMLButtonElement; people: HTMLUListElement; seq: number; drawn: string }>();
  const drawSessions = (list: readonly EditSession[]) => {
    const ul = $('.sessions');
    const newestFirst = [...list].reverse();
    const starts = new Set(newestFirst.map((s) => s.fromSeq));
    for (const [from, item] of sessionViews) {
      if (starts.has(from)) continue;
      item.li.remove();
      sessionViews.delete(from);
    }
    const items = newestFirst.map((s) => {
      let item = sessionViews.get(s.fromSeq);
      if (item === undefined) {
        const li = document.createElement('li');
        li.className = 'session';
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'link';
        const people = document.createElement('ul');
        people.className = 'session-authors';
        li.append(button, people);
        const made = { li, button, people, seq: s.toSeq, drawn: '' };
        button.addEventListener('click', () => scrubTo(made.seq));
        sessionViews.set(s.fromSeq, made);
        item = made;
      }
      const authors = s.authors.map((a) => ({ ...a, ...authorInfo(a.id, lookup) }));
      const drawn = JSON.stringify([sessionWhen(s), s.toSeq, authors]);
      if (item.drawn !== drawn) {
        item.drawn = drawn;
        item.seq = s.toSeq;
        item.button.textContent = sessionWhen(s);
        item.people.replaceChildren(
          ...authors.map((a) => {
            const person = document.createElement('li');
            const counts = document.createElement('span');
            counts.className = 'counts';
            counts.textContent = `+${a.added} −${a.removed}`;
            person.append(personChip(a), counts);
            return person;
          }),
        );
      }
      return item.li;
    });
    // What else the list held ("Loading…", "No edits yet") goes; the items stay where they are when in place.
    for (const child of [...ul.children]) if (!items.includes(child as HTMLLIElement)) child.remove();
    items.forEach((li, i) => {
      if (ul.children[i] !== li) ul.insertBefore(li, ul.children[i] ?? null);
    });
  };

  const empty = () => {
    label.textContent = 'No edits yet';
    label.dataset.seq = '0';
    drawSessions([]);
    $('.sessions').innerHTML = '<li class="muted">No edits yet</li>';
    const note = document.createElement('p');
    note.className = 'history-empty';
    note.textContent = 'No edits yet: what people write in this document will show up here, with who wrote it and when.';
    viewer.replaceChildren(note);
    viewer.dataset.seq = '0';
  };

  /** Whether the timeline has been shown (the controls are set up), so a refresh only updates it. */
  let loaded = false;
  const load = async () => {
    try {
      const timeline = await fetchTimeline(docName());
      Object.assign(lookup, timeline.authors);
      if (timeline.lastSeq === 0 || timeline.sessions.length === 0) return loaded ? undefined : empty();
      // An answer older than the one shown (two refreshes crossing) changes nothing.
      if (loaded && timeline.lastSeq <= Number(slider.max)) return;
      sessions = timeline.sessions;
      slider.max = String(timeline.lastSeq);
      drawSessions(sessions);
      if (loaded) return;
      loaded = true;
      if (!viewer.contains(view.dom)) viewer.replaceChildren(view.dom); // it held the "No edits yet" note
      await loadNamed();
      enable(true);
      scrubTo(timeline.lastSeq);
    } catch (error) {
      if (loaded) return; // a refresh that failed: what is shown stays, the next one may do
      label.textContent = `Could not load the history: ${(error as Error).message}`;
      drawSessions([]);
    }
  };
  // One load at a time, in order: a refresh asked for during the first load waits for it.
  let loading = load();

  return {
    panel,
    viewer,
    refresh: () => (loading = loading.then(load)),
    destroy() {
      stop();
      controller?.abort();
      view.destroy();
    },
  };
}
