// Tools that appear for what the selection is in (a table's rows and columns, an image's alt text) are
// brought into view on a toolbar that scrolls sideways (a phone's one row): they stand at its end, and
// appeared there out of sight.

/** A horizontal extent on the page, as getBoundingClientRect gives it. */
export interface Span {
  readonly left: number;
  readonly right: number;
}

/**
 * The scroll position that shows `target` whole inside `visible` (the scrolling box's own extent), moving
 * as little as it can; its start first where it is wider than the box. `scrollLeft` is the position now.
 */
export function scrollToReveal(visible: Span, target: Span, scrollLeft: number): number {
  if (target.right - target.left > visible.right - visible.left || target.left < visible.left) return Math.max(0, scrollLeft + target.left - visible.left);
  if (target.right > visible.right) return scrollLeft + target.right - visible.right;
  return scrollLeft;
}

/** Scrolls `bar` (only it, never the page) so that `shown`, buttons just shown in it, are in view. */
export function revealInToolbar(bar: HTMLElement, shown: readonly HTMLElement[]): void {
  if (shown.length === 0 || bar.scrollWidth <= bar.clientWidth) return;
  const boxes = shown.map((el) => el.getBoundingClientRect());
  const target = { left: Math.min(...boxes.map((b) => b.left)), right: Math.max(...boxes.map((b) => b.right)) };
  const box = bar.getBoundingClientRect();
  // The box's inside: its borders are not where buttons show.
  const visible = { left: box.left + bar.clientLeft, right: box.left + bar.clientLeft + bar.clientWidth };
  bar.scrollLeft = scrollToReveal(visible, target, bar.scrollLeft);
}
