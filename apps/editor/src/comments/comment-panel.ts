// The comments side panel: a labelled region listing the threads (quote, comments, replies), a form
// for a new comment on the selected text, and per thread: reply, resolve or reopen, delete your own.
// Threads are kept as elements by id and updated in place, so a reply being typed survives others'
// changes.

import type { CommentAuthors } from './comment-authors.js';
import type { Placed } from './comment-highlights.js';
import type { Anchor, CommentStore, StoredComment, Thread } from './comment-store.js';
import { MAX_COMMENT_BODY, threadGone } from '@tandem/schema/comments';

export interface PanelDeps {
  readonly comments: CommentStore;
  readonly authors: CommentAuthors;
  /** May add, reply, resolve (an editor or a commenter). */
  readonly canComment: boolean;
  /** The author id the server stores this person's updates as (their own comments may be deleted). */
  readonly me: string | undefined;
  /** The text an open thread covers now (undefined: its text is gone). */
  quoteOf(placed: Placed): string;
  /** The person picked a thread (clicked, or focused it): show it as the current one. */
  onActivate(id: string | undefined): void;
  /** Back to the text (after a comment is saved or cancelled). */
  focusEditor(): void;
}

export interface CommentPanel {
  readonly element: HTMLElement;
  /** Opens the form for a comment on `anchor` (the selected text, quoted as `quote`). */
  compose(anchor: Anchor, quote: string): void;
  /** Redraws with where each anchor is now. */
  render(placed: ReadonlyMap<string, Placed>): void;
  /** Shows `id` as the current thread. */
  activate(id: string | undefined): void;
  /** The server closed this page for good (trash, access withdrawn): threads stay readable, nothing more can be written. */
  stop(): void;
}

const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { className?: string } = {}, ...children: Array<Node | string>) => {
  const el = document.createElement(tag);
  Object.assign(el, props);
  el.append(...children);
  return el;
};

const timeFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

let formCount = 0;

/** A labelled text box with a submit button; `onSubmit` gets the trimmed text. */
function textForm(label: string, submit: string, onSubmit: (body: string) => void, onCancel?: () => void, rows = 2): { form: HTMLFormElement; box: HTMLTextAreaElement; actions: HTMLElement } {
  const id = `comment-box-${++formCount}`;
  const box = h('textarea', { id, maxLength: MAX_COMMENT_BODY, rows, required: true });
  const form = h('form', { className: 'comment-form' }, h('label', { htmlFor: id, textContent: label }), box);
  const actions = h('div', { className: 'comment-form-actions' }, h('button', { type: 'submit', textContent: submit }));
  if (onCancel !== undefined) {
    const cancel = h('button', { type: 'button', textContent: 'Cancel' });
    cancel.addEventListener('click', onCancel);
    actions.append(cancel);
  }
  form.append(actions);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = box.value.trim();
    if (body === '') return;
    onSubmit(body);
    box.value = '';
  });
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === 'Escape' && onCancel !== undefined) {
      event.preventDefault();
      onCancel();
    }
  });
  return { form, box, actions };
}

interface ThreadView {
  readonly li: HTMLLIElement;
  readonly quote: HTMLElement;
  readonly list: HTMLElement;
  readonly resolve: HTMLButtonElement;
  readonly reply: HTMLFormElement | undefined;
  /** Its comments' elements by comment id: changed in place, never replaced while the comment stays. */
  readonly comments: Map<string, CommentView>;
}

/** One comment's element and what it was last drawn from. */
interface CommentView {
  readonly article: HTMLElement;
  drawn: string;
}

export function createCommentPanel(deps: PanelDeps): CommentPanel {
  const { comments, authors } = deps;
  // False once the page can no longer store anything (stop()).
  let canComment = deps.canComment;
  const heading = h('h2', { id: 'comments-heading', textContent: 'Comments' });
  const element = h('section', { className: 'comments-panel' }, heading);
  element.setAttribute('aria-labelledby', heading.id);
  element.dataset.testid = 'comments-panel';

  let pending: Anchor | undefined;
  const composeQuote = h('blockquote', { className: 'comment-quote' });
  const closeCompose = () => {
    pending = undefined;
    compose.form.hidden = true;
    deps.focusEditor();
  };
  const compose = textForm(
    'New comment',
    'Comment',
    (body) => {
      if (pending === undefined) return;
      const id = comments.add(pending, body);
      closeCompose();
      deps.onActivate(id);
    },
    closeCompose,
  );
  compose.form.prepend(composeQuote);
  compose.form.hidden = true;
  compose.form.dataset.testid = 'comment-compose';

  const showResolved = h('input', { type: 'checkbox' });
  const filter = h('label', { className: 'comments-filter' }, showResolved, ' Show resolved');
  const empty = h('p', { className: 'muted comments-empty' });
  empty.textContent = deps.canComment ? 'No comments. Select text and press Ctrl+Alt+M to comment.' : 'No comments.';
  const list = h('ol', { className: 'comment-threads' });
  element.append(compose.form, filter, empty, list);

  const views = new Map<string, ThreadView>();
  let lastPlaced: ReadonlyMap<string, Placed> = new Map();
  let active: string | undefined;

  /**
   * `comment`'s element in `view`, drawn again when what it shows changed. Its parts change in place: an element
   * replaced under the pointer between a press and its release gets no click (Chromium fires it only on the
   * element pressed), so a reply arriving as someone pressed Delete ate their click.
   */
  const commentEl = (view: ThreadView, comment: StoredComment): HTMLElement => {
    const author = authors.of(comment.id);
    const mine = (author !== undefined && author.id === deps.me) || (author === undefined && comments.isLocal(comment));
    const drawn = JSON.stringify([comment.body, comment.deleted, comment.createdAt, author?.name, author?.color, comments.isLocal(comment), mine, canComment]);
    let known = view.comments.get(comment.id);
    if (known === undefined) {
      const article = h('article', { className: 'comment' }, h('header', {}, h('span', { className: 'comment-author' }), ' ', h('time')), h('p'));
      article.dataset.testid = 'comment';
      article.dataset.commentId = comment.id;
      known = { article, drawn: '' };
      view.comments.set(comment.id, known);
    }
    if (known.drawn === drawn) return known.article;
    known.drawn = drawn;
    const { article } = known;
    const header = article.querySelector('header')!;
    const who = header.querySelector<HTMLElement>('.comment-author')!;
    who.textContent = author?.name ?? (comments.isLocal(comment) ? 'You' : '…');
    if (author !== undefined) who.style.setProperty('--author-color', author.color);
    else who.style.removeProperty('--author-color');
    const when = header.querySelector('time')!;
    when.dateTime = new Date(comment.createdAt).toISOString();
    when.textContent = timeFormat.format(comment.createdAt);
    const body = article.querySelector('p')!;
    body.className = comment.deleted ? 'comment-body deleted' : 'comment-body';
    body.textContent = comment.deleted ? 'Comment deleted' : comment.body;
    let remove = header.querySelector<HTMLButtonElement>('.comment-delete');
    if (canComment && mine && !comment.deleted) {
      if (remove === null) {
        remove = h('button', { type: 'button', className: 'comment-delete', textContent: 'Delete' });
        remove.addEventListener('click', () => comments.remove(comment.id));
        header.append(remove);
      }
      remove.setAttribute('aria-label', `Delete your comment “${comment.body.slice(0, 40)}”`);
    } else if (remove !== null) {
      // Its focus goes to the thread rather than to <body>.
      const hadFocus = remove === document.activeElement;
      remove.remove();
      if (hadFocus) view.li.focus();
    }
    return article;
  };

  const threadView = (thread: Thread): ThreadView => {
    const id = thread.comment.id;
    const known = views.get(id);
    if (known !== undefined) return known;
    const li = h('li', { className: 'comment-thread', tabIndex: -1 });
    li.dataset.commentId = id;
    li.dataset.testid = 'comment-thread';
    const quote = h('blockquote', { className: 'comment-quote' });
    const threadList = h('div', { className: 'comment-list' });
    const resolve = h('button', { type: 'button', className: 'comment-resolve' });
    resolve.addEventListener('click', () => comments.setResolved(id, !(comments.map.get(id)?.get('resolved') === true)));
    li.append(quote, threadList);
    let reply: HTMLFormElement | undefined;
    if (canComment) {
      const form = textForm('Reply', 'Reply', (body) => comments.reply(id, body), undefined, 1);
      form.actions.append(resolve);
      reply = form.form;
      li.append(reply);
    }
    li.addEventListener('click', (event) => {
      if (!(event.target instanceof HTMLButtonElement || event.target instanceof HTMLTextAreaElement)) deps.onActivate(id);
    });
    li.addEventListener('focusin', () => deps.onActivate(id));
    const view: ThreadView = { li, quote, list: threadList, resolve, reply, comments: new Map() };
    views.set(id, view);
    return view;
  };

  const render = (placed: ReadonlyMap<string, Placed>) => {
    lastPlaced = placed;
    const threads = comments.threads().filter((thread) => !threadGone(thread));
    authors.want(threads.flatMap(({ comment, replies }) => [comment.id, ...replies.map((r) => r.id)]));
    const shown = threads.filter(({ comment }) => showResolved.checked || !comment.resolved);
    // In the order of the text; orphaned threads (and replies-only) after, oldest first.
    const at = (t: Thread) => placed.get(t.comment.id)?.from ?? Number.POSITIVE_INFINITY;
    shown.sort((a, b) => at(a) - at(b) || a.comment.createdAt - b.comment.createdAt);
    const keep = new Set(shown.map((t) => t.comment.id));
    // Focus in a thread that leaves the list (resolved from the keyboard, deleted) goes to the next thread
    // still shown, or the panel's filter, never to <body>.
    let refocus = false;
    for (const [id, view] of views) {
      if (keep.has(id)) continue;
      if (view.li.contains(document.activeElement)) refocus = true;
      view.li.remove();
      views.delete(id);
    }
    shown.forEach((thread) => {
      const view = threadView(thread);
      const where = placed.get(thread.comment.id);
      view.li.classList.toggle('resolved', thread.comment.resolved);
      view.li.classList.toggle('active', thread.comment.id === active);
      if (where !== undefined) {
        view.quote.className = 'comment-quote';
        view.quote.textContent = deps.quoteOf(where);
      } else {
        view.quote.className = 'comment-quote orphaned';
        view.quote.textContent = 'The text this comment was on was deleted';
      }
      view.li.dataset.orphaned = String(where === undefined);
      view.li.dataset.resolved = String(thread.comment.resolved);
      // Each comment's element is drawn again only when what it shows changed, in place (see commentEl).
      const wanted = [thread.comment, ...thread.replies];
      const ids = new Set(wanted.map((c) => c.id));
      for (const [id, known] of view.comments) {
        if (ids.has(id)) continue;
        const hadFocus = known.article.contains(document.activeElement);
        known.article.remove();
        view.comments.delete(id);
        if (hadFocus) view.li.focus(); // the thread, not <body>
      }
      wanted.forEach((comment, k) => {
        const article = commentEl(view, comment);
        if (view.list.children[k] !== article) view.list.insertBefore(article, view.list.children[k] ?? null);
      });
      view.resolve.textContent = thread.comment.resolved ? 'Reopen' : 'Resolve';
    });
    // The threads in their order. The one holding the focus (a reply being typed) stays where it is, the others
    // going before and after it: moved itself, it lost the focus, and the rest of the reply went nowhere (an
    // earlier thread's text deleted moved it up the list; found by an exploratory run).
    const order = shown.map((thread) => views.get(thread.comment.id)!.li);
    const held = order.find((li) => li.contains(document.activeElement));
    if (held === undefined) order.forEach((li, i) => void (list.children[i] !== li && list.insertBefore(li, list.children[i] ?? null)));
    else if (!order.every((li, i) => list.children[i] === li)) {
      const k = order.indexOf(held);
      for (let i = 0; i < k; i++) list.insertBefore(order[i]!, held);
      for (let i = order.length - 1; i > k; i--) list.insertBefore(order[i]!, held.nextSibling);
    }
    empty.hidden = shown.length > 0;
    // After this redraw (it may run inside the editor's update, and focusing a thread activates it there).
    if (refocus) queueMicrotask(() => {
      if (!element.contains(document.activeElement)) (list.querySelector<HTMLElement>('.comment-thread') ?? showResolved).focus();
    });
  };

  showResolved.addEventListener('change', () => render(lastPlaced));
  authors.listeners.add(() => render(lastPlaced));

  return {
    element,
    compose(anchor, quote) {
      pending = anchor;
      composeQuote.textContent = quote;
      compose.form.hidden = false;
      compose.box.focus();
    },
    render,
    stop() {
      if (!canComment) return;
      canComment = false;
      compose.form.hidden = true;
      pending = undefined;
      empty.textContent = 'No comments.';
      // Drawn again without reply forms, Resolve or Delete.
      for (const view of views.values()) view.li.remove();
      views.clear();
      render(lastPlaced);
    },
    activate(id) {
      active = id;
      for (const [key, view] of views) view.li.classList.toggle('active', key === id);
      views.get(id ?? '')?.li.scrollIntoView({ block: 'nearest' });
    },
  };
}
