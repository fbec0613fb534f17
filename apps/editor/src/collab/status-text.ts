// The status text in the top bar. While someone types, every keystroke is unsaved for the few milliseconds its
// acknowledgement takes: written as it happens, the text flipped between "Saving…" and "Saved" twice a key.
// That flicker told the person nothing, and each change of the text cost Chromium a slow frame in a long
// document (a trace at 10 000 paragraphs: the page waited about 25 ms in the compositor's commit after each
// change of the text, twice per key; not after a change of the dot's colour). So "Saved" is shown once the
// document has stayed saved for a moment; "Saving…", and every other state, at once. Never early: the text
// says "Saved" only while it is true. The dot and the status's `data-saved` follow the state exactly.

/** The two texts that alternate with every keystroke. */
export const SAVED_TEXT = 'Saved';
export const SAVING_TEXT = 'Saving…';
/** How long the document must stay saved, after "Saving…" was shown, before the text says "Saved". */
export const SAVED_SETTLE_MS = 800;

export interface StatusText {
  /** The text for the status as it is now. */
  show(text: string): void;
}

/** Writes the status text through `write`, holding "Saving…" until "Saved" has held `settleMs`. */
export function createStatusText(write: (text: string) => void, settleMs = SAVED_SETTLE_MS): StatusText {
  let shown: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const put = (text: string) => {
    cancel();
    if (text === shown) return;
    shown = text;
    write(text);
  };
  return {
    show(text) {
      if (text === SAVED_TEXT && shown === SAVING_TEXT) {
        timer ??= setTimeout(() => put(SAVED_TEXT), settleMs);
        return;
      }
      put(text);
    },
  };
}
