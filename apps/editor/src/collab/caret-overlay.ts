// Others' carets, drawn over the text rather than in it.
//
// y-prosemirror draws a remote caret as a widget: an element that cannot be edited, inline in the text at
// the caret's place. Chromium's own editing takes such an element into account, and gets it wrong in many
// places when it stands where this person edits (found by an exploratory run, each failing every time):
// End or Shift+End at the start of a line beginning with bold, code or a link went to the end of the
// document (Shift+End and a letter deleted every line below); after a line break (Shift+Enter) or a new line
// in a code block, Home, End, Shift+Home, Backspace, Enter, a double-click and an input method acted on the
// line above (Shift+Home and a letter wiped it); in an empty code block the letters typed were lost. So the
// carets are drawn in a layer of their own over the editor, placed where ProseMirror says their position is
// on screen; the text holds nothing of them. Selections stay inline decorations (styled spans, no new
// elements between characters).

import type { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { yCursorPluginKey } from 'y-prosemirror';

/** A widget decoration as prosemirror-view keeps it: its builder is on its type. */
interface Widget {
  readonly from: number;
  readonly spec: { readonly key: string };
  readonly type: { toDOM(view: EditorView, getPos: () => number): Node };
}

/** A caret's element, the widget type it was last drawn for, and what it showed when built. */
interface Drawn {
  readonly type: unknown;
  readonly element: HTMLElement;
  readonly look: string;
  /** The position it was last placed at (undefined: not placed yet). */
  readonly placedAt?: number;
}

const isCaret = (decoration: Decoration): boolean => decoration.from === decoration.to && typeof (decoration.spec as { key?: unknown }).key === 'string';

/** The decorations of y-prosemirror's cursor plugin without its carets (see CaretOverlay). */
export function withoutCarets(set: DecorationSet): DecorationSet {
  const carets = set.find().filter(isCaret);
  return carets.length === 0 ? set : set.remove(carets);
}

/** Draws the carets of y-prosemirror's cursor plugin in a layer beside `view`'s editable element. */
export class CaretOverlay {
  private readonly layer: HTMLElement;
  /**
   * Each caret's element, by its widget's key (the person's client id). y-prosemirror makes every caret's
   * widget anew whenever anyone's presence changes; a caret keeps its element unless what a new one shows
   * differs (the person's name, colour or away mark): a highlighted caret (presence.ts) stayed highlighted
   * only until someone else moved theirs.
   */
  private drawn = new Map<string, Drawn>();
  private frame: number | undefined;
  /**
   * Before which position the document has not changed since the carets were last placed: a caret before the
   * top-level block holding it stays where it was on screen (what follows a block does not move it), and is
   * not measured again. Measuring is ProseMirror's walk from the first block to the caret's: a third of a
   * millisecond per caret and key at 10 000 paragraphs (bench:editor's profile), for carets that had not moved.
   */
  private unchangedBefore = 0;
  /** Where the text's box stood in the layer when the carets were last placed. */
  private textAt = '';
  private readonly resized = new ResizeObserver(() => this.schedule(0));

  constructor(private readonly view: EditorView) {
    this.layer = document.createElement('div');
    this.layer.className = 'remote-carets';
    this.layer.setAttribute('aria-hidden', 'true');
    view.dom.after(this.layer);
    this.resized.observe(view.dom);
    this.schedule(0);
  }

  /**
   * Draws again before the next paint (positions move with every change of the document or the layout);
   * `changedFrom`: before which position the document is as it was (0: anything may have moved).
   */
  schedule(changedFrom = 0): void {
    this.unchangedBefore = Math.min(this.unchangedBefore, changedFrom);
    this.frame ??= requestAnimationFrame(() => {
      this.frame = undefined;
      this.draw();
    });
  }

  private draw(): void {
    const set = yCursorPluginKey.getState(this.view.state) as DecorationSet | undefined;
    const carets = (set?.find() ?? []).filter(isCaret) as unknown as Widget[];
    const base = this.layer.getBoundingClientRect();
    const text = this.view.dom.getBoundingClientRect();
    const textAt = `${text.left - base.left} ${text.top - base.top} ${text.width}`;
    const settled = textAt === this.textAt ? this.settledBefore() : 0;
    this.textAt = textAt;
    this.unchangedBefore = Number.POSITIVE_INFINITY;
    const next = new Map<string, Drawn>();
    for (const caret of carets) {
      const drawn = this.caretFor(caret);
      next.set(caret.spec.key, { ...drawn, placedAt: caret.from });
      const { element } = drawn;
      if (drawn.placedAt === caret.from && caret.from < settled && element.parentNode === this.layer) continue;
      const box = this.coords(caret.from);
      if (box === undefined) {
        element.hidden = true;
        continue;
      }
      element.hidden = false;
      element.dataset.pos = String(caret.from);
      element.style.left = `${box.left - base.left}px`;
      element.style.top = `${box.top - base.top}px`;
      element.style.height = `${Math.max(box.bottom - box.top, 1)}px`;
      if (element.parentNode !== this.layer) this.layer.append(element);
    }
    for (const [key, { element }] of this.drawn) if (next.get(key)?.element !== element) element.remove();
    this.drawn = next;
  }

  /** The element drawn for `caret`: the one already shown for its person while a new one would look the same. */
  private caretFor(caret: Widget): Drawn {
    const known = this.drawn.get(caret.spec.key);
    if (known?.type === caret.type) return known;
    const element = caret.type.toDOM(this.view, () => caret.from) as HTMLElement;
    const look = element.outerHTML;
    return known?.look === look ? { ...known, type: caret.type } : { type: caret.type, element, look };
  }

  /** Before which position nothing on screen moved: the start of the top-level block the first change is in. */
  private settledBefore(): number {
    const { doc } = this.view.state;
    if (this.unchangedBefore === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
    if (this.unchangedBefore <= 0) return 0;
    const first = Math.min(this.unchangedBefore, doc.content.size);
    // Typing changes the textblock the selection is in, already resolved: no walk from the first block.
    const { $head } = this.view.state.selection;
    const $first = $head.depth > 0 && $head.start() <= first && first <= $head.end() ? $head : doc.resolve(first);
    return $first.depth > 0 ? $first.before(1) : first;
  }

  /** Where a caret at `pos` is on screen: after the character before it, or at the start of an empty line. */
  private coords(pos: number): { left: number; top: number; bottom: number } | undefined {
    try {
      // After text the caret belongs to that text's line (at a wrapped line's end, not to the next line's
      // start); after a line break, a new line in code or a leaf (an image), to what follows.
      const before = this.view.state.doc.resolve(pos).nodeBefore;
      const side = before?.isText === true && !before.text!.endsWith('\n') ? -1 : 1;
      return this.view.coordsAtPos(pos, side);
    } catch {
      return undefined; // not drawn (a position the view cannot place)
    }
  }

  destroy(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.resized.disconnect();
    this.layer.remove();
  }
}
