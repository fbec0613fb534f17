// A Y.Doc the server holds (a room's document, the update gate's shadow of it) that changes only by the
// updates it is given. Yjs makes every document that applies someone else's update clean up the
// formatting it now holds twice: it deletes the redundant bold or italic markers itself, as a change of
// its own. Each page does so and sends those deletions, which are stored; a room that did it too applied
// and sent deletions the log never held, at its own batch boundaries. The log's replay then differed
// from what everyone saw, two instances could differ from each other, and a page's own clean-up arrived
// "held already" and was never stored (found by a seeded churn test on two instances).

import * as Y from 'yjs';

/** Yjs' flag, set when a transaction applied others' formatting: its clean-up runs after 'afterTransaction'. */
interface FormattingCleanup {
  _needFormattingCleanup: boolean;
}

/** A Y.Doc that never cleans up formatting by itself. */
export function serverDoc(): Y.Doc {
  const doc = new Y.Doc({ gc: true });
  doc.on('afterTransaction', (transaction: Y.Transaction) => {
    (transaction as unknown as FormattingCleanup)._needFormattingCleanup = false;
  });
  return doc;
}
