// Lists pasted or imported from Microsoft Word. Word puts no <ul> or <ol> on the clipboard (nor in a page
// saved as HTML): each item is a paragraph styled `mso-list:l0 level2 lfo1` (its list and its level), and
// its bullet or number is text in a span styled `mso-list:Ignore` ("·", "o", "§", "1.", "a)"). Read as
// they come, the items became paragraphs starting with a stray "·" and a run of spaces. This pass turns
// each run of such paragraphs into nested lists (numbered when the marker is a number or a letter), the
// markers left out, before the schema's parse rules read the HTML. Works on any DOM (the browser's for a
// paste, linkedom's for an import): only the few members below are used.

/** The members of a DOM node this pass uses (the browser's and linkedom's have them). */
interface DomNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly childNodes: ArrayLike<DomNode>;
  readonly parentNode: DomNode | null;
  readonly nextSibling: DomNode | null;
  readonly textContent: string | null;
  readonly ownerDocument: { createElement(tag: string): DomNode } | null;
  getAttribute?(name: string): string | null;
  appendChild(child: DomNode): DomNode;
  insertBefore(node: DomNode, ref: DomNode | null): DomNode;
  removeChild(child: DomNode): DomNode;
}

const ELEMENT = 1;
const TEXT = 3;
const COMMENT = 8;

/** Word's list style on a paragraph: `mso-list:l<list> level<n> lfo<n>` (the marker's own span says `Ignore`). */
const LIST_STYLE = /mso-list:\s*l(\d+)\s+level(\d+)/i;
const MARKER_STYLE = /mso-list:\s*Ignore/i;
/** A marker that numbers: 1. 2) a. iv. (A bullet is anything else: ·, o, §, –, a picture.) */
const NUMBERED = /^\s*(\d+|[a-z]|[ivxlcdm]+)[.)]\s*$/i;
/** Deeper than any list Word makes (nine levels), and far from the import's nesting limit. */
const MAX_LEVEL = 9;

/** True when `html` may hold Word's list paragraphs: the pass is skipped for everything else. */
export const mayHoldWordLists = (html: string): boolean => /mso-list:\s*l\d/i.test(html);

interface Item {
  readonly paragraph: DomNode;
  readonly list: string;
  readonly level: number;
  readonly numbered: boolean;
}

/** Rewrites, under `root`, every run of Word list paragraphs as nested <ul>/<ol> lists. */
export function listsFromWord(root: unknown): void {
  rewrite(root as DomNode, 0);
}

function rewrite(parent: DomNode, depth: number): void {
  if (depth > 200) return; // the import refuses such depth anyway; a paste of it is not Word's
  let child = parent.childNodes[0] ?? null;
  while (child !== null) {
    const item = itemOf(child);
    if (item === undefined) {
      if (child.nodeType === ELEMENT) rewrite(child, depth + 1);
      child = child.nextSibling;
      continue;
    }
    // The run: this paragraph and the list paragraphs after it (blank text and comments between them skipped).
    const run: Item[] = [item];
    let next = child.nextSibling;
    while (next !== null) {
      const following = itemOf(next);
      if (following !== undefined) run.push(following);
      else if (!isBlank(next)) break;
      next = next.nextSibling;
    }
    const lists = buildLists(run);
    parent.insertBefore(lists, child);
    for (const { paragraph } of run) paragraph.parentNode?.removeChild(paragraph);
    child = lists.nextSibling;
  }
}

function itemOf(node: DomNode): Item | undefined {
  if (node.nodeType !== ELEMENT || node.nodeName.toLowerCase() !== 'p') return undefined;
  const match = LIST_STYLE.exec(node.getAttribute?.('style') ?? '');
  if (match === null) return undefined;
  const marker = removeMarker(node);
  return { paragraph: node, list: match[1]!, level: Math.min(MAX_LEVEL, Math.max(1, Number(match[2]))), numbered: NUMBERED.test(marker) };
}

/** Takes the marker's span (and anything before it that shows nothing) out of `paragraph`; returns its text. */
function removeMarker(paragraph: DomNode): string {
  const span = find(paragraph, (n) => n.nodeType === ELEMENT && MARKER_STYLE.test(n.getAttribute?.('style') ?? ''));
  if (span === undefined) return '';
  const text = (span.textContent ?? '').replace(/\u00a0/g, ' ');
  // The span sits in a font span of its own (Symbol, Wingdings) that holds nothing else.
  let outer = span;
  while (outer.parentNode !== null && outer.parentNode !== paragraph && (outer.parentNode.textContent ?? '') === (span.textContent ?? '')) outer = outer.parentNode;
  outer.parentNode?.removeChild(outer);
  return text;
}

function find(node: DomNode, test: (n: DomNode) => boolean): DomNode | undefined {
  for (let i = 0; i < node.childNodes.length; i++) {
    const child = node.childNodes[i]!;
    if (test(child)) return child;
    const inner = child.nodeType === ELEMENT ? find(child, test) : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

const isBlank = (node: DomNode) => node.nodeType === COMMENT || (node.nodeType === TEXT && (node.textContent ?? '').trim() === '');

/** The run as lists: a deeper level goes into the item before it, another kind or list at a level starts a new list. */
function buildLists(run: readonly Item[]): DomNode {
  const doc = run[0]!.paragraph.ownerDocument!;
  const container = doc.createElement('div');
  /** The open lists, outermost first, with the kind and Word list each was made for. */
  const open: Array<{ element: DomNode; numbered: boolean; list: string; lastItem: DomNode | undefined }> = [];
  for (const item of run) {
    // One level deeper at most than the lists open (Word never skips one; a pasted fragment may start deep).
    const level = Math.min(item.level, open.length + 1);
    while (open.length > level) open.pop();
    const top = open[open.length - 1];
    if (top !== undefined && open.length === level && (top.numbered !== item.numbered || top.list !== item.list)) open.pop();
    while (open.length < level) {
      const element = doc.createElement(item.numbered ? 'ol' : 'ul');
      const holder = open[open.length - 1];
      if (holder === undefined) container.appendChild(element);
      else (holder.lastItem ?? holder.element.appendChild(doc.createElement('li'))).appendChild(element);
      open.push({ element, numbered: item.numbered, list: item.list, lastItem: undefined });
    }
    const li = doc.createElement('li');
    const p = doc.createElement('p');
    while (item.paragraph.childNodes.length > 0) p.appendChild(item.paragraph.childNodes[0]!);
    li.appendChild(p);
    const current = open[open.length - 1]!;
    current.element.appendChild(li);
    current.lastItem = li;
  }
  // One element to put in the run's place: the lists, in a fragment-like <div> the parse rules see through.
  return container.childNodes.length === 1 ? container.childNodes[0]! : container;
}
