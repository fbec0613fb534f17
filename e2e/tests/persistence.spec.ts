import { connectClient } from '../../apps/sync-server/src/testing/clients.js';
import { expect, test } from '../fixtures/tandem.js';

test.describe('content is kept', () => {
  test('after the server restarts, a reload shows all content, and so does a fresh browser', async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'restart/notes');
    await alice.focusEnd();
    await alice.type('Written before the restart.');
    await alice.page.keyboard.press('Enter');
    await alice.type('Second line.');
    await alice.expectSaved();
    // Close every client first: a connected one would refill the server and hide data loss.
    await alice.page.close();
    await server.restart();

    const fresh = await person('Carol', '#16a34a'); // no IndexedDB copy: everything comes from the server
    await fresh.open(server.url, 'restart/notes');
    await expect.poll(() => fresh.text()).toBe('Written before the restart.\nSecond line.');

    const again = await alice.context.newPage();
    await again.goto(`${server.url}/d/${encodeURIComponent('restart/notes')}`);
    await expect(again.getByTestId('status')).toHaveAttribute('data-saved', 'true');
    await expect(again.locator('.ProseMirror')).toHaveText(/Written before the restart\.\s*Second line\./);
  });

  test('edits made offline survive a reload, merge when back online, and show "saved" only once stored', async ({ server, pair }) => {
    const { alice, bob } = await pair('offline');
    await alice.focusEnd();
    await alice.type('Shared start.');
    await expect.poll(() => bob.text()).toBe('Shared start.');
    await alice.expectSaved();

    await alice.context.setOffline(true);
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await expect(alice.status).toHaveAttribute('data-saved', 'false');
    await alice.focusEnd();
    await alice.type(' Typed offline.');
    await bob.focusEnd();
    await bob.type(' Bob online.');
    await expect.poll(() => alice.text()).toBe('Shared start. Typed offline.');

    // The app shell comes from the service worker and the edit from IndexedDB.
    await alice.page.reload();
    await expect.poll(() => alice.text()).toBe('Shared start. Typed offline.');
    await expect(alice.status).toHaveAttribute('data-saved', 'false');
    expect(await bob.text()).toBe('Shared start. Bob online.');

    await alice.context.setOffline(false);
    await alice.expectSaved();
    // "Saved" means stored: a brand-new client gets Alice's offline edit from the server right now.
    const probe = connectClient(server.url, 'offline');
    await probe.synced();
    const stored = probe.doc.getXmlFragment('prosemirror').toString();
    probe.destroy();
    expect(stored).toContain('Typed offline.');

    await expect.poll(async () => [await alice.text(), await bob.text()]).toEqual([
      expect.stringMatching(/Typed offline\./),
      expect.stringMatching(/Typed offline\./),
    ]);
    const [a, b] = [await alice.text(), await bob.text()];
    expect(a).toBe(b);
    expect(a).toContain('Bob online.');
  });

  test('an edit typed offline is in this browser at once: closing the tab right after the key keeps it', async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    await alice.open(server.url, 'offline/close-at-once');
    await alice.focusEnd();
    await alice.type('Start.');
    await alice.expectSaved();
    await alice.context.setOffline(true);
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await alice.focusEnd();
    // The copy is written after the keystroke's task (collab/local-copy.ts); the tab closes straight after the last key.
    await alice.page.keyboard.type(' Last keys');
    await alice.page.close();

    const again = await alice.context.newPage();
    await again.goto(`${server.url}/d/${encodeURIComponent('offline/close-at-once')}`);
    await expect(again.locator('.ProseMirror')).toHaveText('Start. Last keys');
  });

  test("another tab dropping this browser's copy (as a refused change does) does not stop this tab keeping its edits", async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    const name = 'offline/copy-dropped';
    await alice.open(server.url, name);
    await alice.focusEnd();
    await alice.type('Before.');
    await alice.expectSaved();
    // Another tab of this document deletes the browser's copy (collab/refused-change.ts does, before it
    // reloads); IndexedDB closes this tab's connection to let the deletion through.
    const other = await alice.context.newPage();
    await other.goto(`${server.url}/`);
    await other.evaluate(
      (db) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase(db);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        }),
      `tandem/${name}`, // the copy's name (collab/sync-status.ts)
    );
    await other.close();

    await alice.context.setOffline(true);
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await alice.focusEnd();
    await alice.type(' After.');
    await expect(alice.status).toHaveAttribute('data-saved', 'false');
    await alice.page.close();

    // Still offline: what a new tab shows comes from this browser's copy alone.
    const again = await alice.context.newPage();
    await again.goto(`${server.url}/d/${encodeURIComponent(name)}`);
    await expect(again.locator('.ProseMirror')).toHaveText('Before. After.');
  });
});

test.describe("when this browser cannot keep a copy", () => {
  test('without IndexedDB, offline says changes cannot be kept here (never "kept"), and closing the tab asks first', async ({ server, person }) => {
    const alice = await person('Alice', '#e11d48');
    // As with storage turned off for the site: every attempt to open a database fails.
    await alice.context.addInitScript(() => {
      IDBFactory.prototype.open = function () {
        throw new DOMException('The operation failed because storage is turned off', 'InvalidStateError');
      };
    });
    await alice.open(server.url, 'offline/no-storage');
    await alice.focusEnd();
    await alice.type('Stored on the server.');
    await alice.expectSaved();
    await expect(alice.status).toHaveAttribute('data-kept-here', 'false');

    await alice.context.setOffline(true);
    await expect(alice.status).toHaveAttribute('data-connection', 'offline');
    await expect(alice.status).toContainText('Offline · changes cannot be kept in this browser');
    await expect(alice.status).toHaveAttribute('title', /not kept in this browser: this browser cannot store it/);
    await alice.focusEnd();
    await alice.type(' Typed offline.');
    // Closing would lose what was typed offline: the browser asks first.
    const asked = new Promise<string>((resolve) => alice.page.once('dialog', (dialog) => (resolve(dialog.type()), void dialog.dismiss())));
    await alice.page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    await expect(alice.status).toContainText('Offline · changes cannot be kept in this browser');
  });
});
