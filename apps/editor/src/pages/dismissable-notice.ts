// A notice in the document page about something that just happened (a restore, pictures a paste left
// out): its own live region (announced as it appears, apart from the status line's connection and saving),
// hidden until shown, with a Dismiss button. A button pressed from the keyboard that then goes away left
// focus on the page's body, so the next Tab started over at the top of the page and typed keys went nowhere
// (found by a review): Dismiss gives the text the focus back (`focusText`) when the notice had it.

export interface DismissableNotice {
  readonly element: HTMLElement;
  /** Where the notice's words go. */
  readonly text: HTMLElement;
  /** Whether the focus is inside the notice. */
  hasFocus(): boolean;
}

/**
 * A hidden notice (`data-testid` `testid`) with a text, the buttons of `buttonsHtml` (markup of this code's
 * own, never a caller's input) and Dismiss, which hides it and runs `onDismiss`.
 */
export function dismissableNotice(testid: string, focusText: () => void, onDismiss: () => void = () => {}, buttonsHtml = ''): DismissableNotice {
  const element = document.createElement('div');
  element.className = 'notice';
  element.dataset.testid = testid;
  element.setAttribute('role', 'status');
  element.hidden = true;
  element.innerHTML = `
    <span class="notice-text"></span>${buttonsHtml}
    <button type="button" class="dismiss" aria-label="Dismiss">×</button>`;
  const hasFocus = () => element.contains(document.activeElement);
  element.querySelector('.dismiss')!.addEventListener('click', () => {
    const focused = hasFocus();
    element.hidden = true;
    onDismiss();
    if (focused) focusText();
  });
  return { element, text: element.querySelector<HTMLElement>('.notice-text')!, hasFocus };
}
