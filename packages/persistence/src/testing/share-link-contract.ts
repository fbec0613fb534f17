// The share-link part of the DocumentStore contract: links are stored whole, listed per document until
// they expire, revoked once, and the revoked ones not yet expired are what servers refuse tokens of.
// Every adapter's test file calls describeShareLinkContract.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore, ShareLink } from '../types.js';
import { closeAndDestroy, openFresh, type StoreHarness } from './adapter-contract.js';

const link = (over: Partial<ShareLink> = {}): ShareLink => ({
  id: 'link-1',
  doc: 'plan',
  role: 'viewer',
  createdBy: 'alice',
  createdAt: 1_700_000_000_000,
  expiresAt: 1_700_086_400_000,
  revokedAt: null,
  ...over,
});

export function describeShareLinkContract(adapterName: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`DocumentStore contract, share links: ${adapterName}`, () => {
    let harness: StoreHarness;
    let store: DocumentStore;

    beforeEach(async () => {
      ({ harness, store } = await openFresh(makeHarness));
    });
    afterEach(() => closeAndDestroy(harness, store));

    it('stores a link and reads it back by id, as it was given', async () => {
      const l = link({ role: 'editor' });
      expect(await store.createShareLink(l)).toEqual(l);
      expect(await store.getShareLink('link-1')).toEqual(l);
      expect(await store.getShareLink('nope')).toBeUndefined();
    });

    it('refuses a second link with the same id, and a link that is not valid', async () => {
      await store.createShareLink(link());
      await expect(store.createShareLink(link({ doc: 'other' }))).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.createShareLink(link({ id: 'x', role: 'owner' as 'editor' }))).rejects.toMatchObject({ code: 'invalid-argument' });
      await expect(store.createShareLink(link({ id: 'y', expiresAt: 1_600_000_000_000 }))).rejects.toMatchObject({ code: 'invalid-argument' });
      expect(await store.getShareLink('link-1')).toEqual(link());
    });

    it("lists one document's links not yet expired, newest first, revoked ones included", async () => {
      const now = 1_700_000_500_000;
      await store.createShareLink(link({ id: 'a', createdAt: now - 3_000 }));
      await store.createShareLink(link({ id: 'b', createdAt: now - 2_000, role: 'editor' }));
      await store.createShareLink(link({ id: 'expired', createdAt: now - 9_000, expiresAt: now - 1 }));
      await store.createShareLink(link({ id: 'other-doc', doc: 'elsewhere', createdAt: now - 1_000 }));
      await store.revokeShareLink('plan', 'a', now);
      expect((await store.listShareLinks('plan', now)).map((l) => [l.id, l.revokedAt])).toEqual([['b', null], ['a', now]]);
      expect((await store.listShareLinks('elsewhere', now)).map((l) => l.id)).toEqual(['other-doc']);
      expect(await store.listShareLinks('none', now)).toEqual([]);
    });

    it('revokes a link of that document once (the first time stays), and nothing of another document', async () => {
      await store.createShareLink(link());
      expect(await store.revokeShareLink('other', 'link-1', 5)).toBeUndefined();
      expect((await store.getShareLink('link-1'))?.revokedAt).toBeNull();
      expect(await store.revokeShareLink('plan', 'link-1', 1_700_000_001_000)).toEqual(link({ revokedAt: 1_700_000_001_000 }));
      expect((await store.revokeShareLink('plan', 'link-1', 1_700_000_002_000))?.revokedAt).toBe(1_700_000_001_000);
      expect(await store.revokeShareLink('plan', 'missing', 1)).toBeUndefined();
    });

    it('moves a document\'s links with it when it is renamed (revoked ones too); other documents keep theirs', async () => {
      const at = 1_700_000_000_000;
      await store.append([{ doc: 'plan', entries: [{ update: new Uint8Array([1]), author: 'alice', receivedAt: at }] }]);
      await store.createShareLink(link({ id: 'live' }));
      await store.createShareLink(link({ id: 'revoked' }));
      await store.createShareLink(link({ id: 'other', doc: 'elsewhere' }));
      await store.revokeShareLink('plan', 'revoked', at + 10);
      await store.renameDocument('plan', 'team/plan', at + 20);
      expect((await store.listShareLinks('team/plan', at + 30)).map((l) => l.id).sort()).toEqual(['live', 'revoked']);
      expect(await store.listShareLinks('plan', at + 30)).toEqual([]);
      expect(await store.getShareLink('live')).toEqual(link({ id: 'live', doc: 'team/plan' }));
      expect((await store.listShareLinks('elsewhere', at + 30)).map((l) => l.id)).toEqual(['other']);
      expect(await store.listRevokedShareLinks(at + 30)).toEqual(['revoked']);
    });

    it('revokes the links of a purged document, so that they never open another document given its name', async () => {
      const now = Date.now();
      const live = link({ id: 'live', createdAt: now - 1_000, expiresAt: now + 86_400_000 });
      await store.append([{ doc: 'plan', entries: [{ update: new Uint8Array([1]), author: 'alice', receivedAt: now }] }]);
      await store.createShareLink(live);
      await store.createShareLink(link({ id: 'other', doc: 'elsewhere', createdAt: now - 1_000, expiresAt: now + 86_400_000 }));
      expect(await store.purgeDocument('plan')).toBe(true);
      const after = await store.getShareLink('live');
      expect(after?.revokedAt).toBeGreaterThanOrEqual(now);
      expect(await store.listRevokedShareLinks(now)).toEqual(['live']);
      expect((await store.getShareLink('other'))?.revokedAt).toBeNull();
    });

    it("revoking a user revokes, at its time, the links that user made up to it (one revoked already keeps its time); not later links, nor another's; a token revocation none", async () => {
      const t = 1_700_000_000_000;
      await store.createShareLink(link({ id: 'made-before', createdAt: t - 10 }));
      await store.createShareLink(link({ id: 'made-at', doc: 'elsewhere', createdAt: t }));
      await store.createShareLink(link({ id: 'revoked-before', createdAt: t - 10 }));
      await store.createShareLink(link({ id: 'made-after', createdAt: t + 1 }));
      await store.createShareLink(link({ id: 'of-bob', createdBy: 'bob', createdAt: t - 10 }));
      await store.revokeShareLink('plan', 'revoked-before', t - 5);
      await store.revoke({ kind: 'token', value: 'alice', until: null, createdAt: t, reason: '' });
      expect((await store.getShareLink('made-before'))?.revokedAt).toBeNull();
      await store.revoke({ kind: 'user', value: 'alice', until: t + 3_600_000, createdAt: t, reason: 'left' });
      const revokedAt = async (id: string) => (await store.getShareLink(id))?.revokedAt;
      expect(await revokedAt('made-before')).toBe(t);
      expect(await revokedAt('made-at')).toBe(t);
      expect(await revokedAt('revoked-before')).toBe(t - 5);
      expect(await revokedAt('made-after')).toBeNull();
      expect(await revokedAt('of-bob')).toBeNull();
      expect(await store.listRevokedShareLinks(t)).toEqual(['made-at', 'made-before', 'revoked-before']);
      // Revoking again, later (the tokens issued since): the links made since go too; the others keep their time.
      await store.revoke({ kind: 'user', value: 'alice', until: null, createdAt: t + 5, reason: '' });
      expect(await revokedAt('made-after')).toBe(t + 5);
      expect(await revokedAt('made-before')).toBe(t);
      // A revocation replayed with an older time (tandem copy) revokes nothing made after that time.
      await store.createShareLink(link({ id: 'made-later', createdAt: t + 10 }));
      await store.revoke({ kind: 'user', value: 'alice', until: null, createdAt: t, reason: '' });
      expect(await revokedAt('made-later')).toBeNull();
    });

    it('lists the ids of revoked links that have not expired yet', async () => {
      const now = 1_700_000_500_000;
      await store.createShareLink(link({ id: 'live' }));
      await store.createShareLink(link({ id: 'revoked' }));
      await store.createShareLink(link({ id: 'revoked-expired', expiresAt: now }));
      await store.createShareLink(link({ id: 'other', doc: 'elsewhere' }));
      await store.revokeShareLink('plan', 'revoked', now - 10);
      await store.revokeShareLink('plan', 'revoked-expired', now - 10);
      await store.revokeShareLink('elsewhere', 'other', now - 5);
      expect(await store.listRevokedShareLinks(now)).toEqual(['other', 'revoked']);
      expect(await store.listRevokedShareLinks(1_700_086_400_000)).toEqual([]);
    });

    it("counts one user's links not yet expired, revoked ones included, and tells when the first of them expires", async () => {
      const now = 1_700_000_500_000;
      expect(await store.countShareLinksBy('alice', now)).toEqual({ count: 0, firstExpiresAt: null });
      await store.createShareLink(link({ id: 'a', expiresAt: now + 5_000 }));
      await store.createShareLink(link({ id: 'b', doc: 'elsewhere', expiresAt: now + 2_000 }));
      await store.createShareLink(link({ id: 'expired', expiresAt: now }));
      await store.createShareLink(link({ id: 'bob', createdBy: 'bob', expiresAt: now + 1_000 }));
      await store.revokeShareLink('plan', 'a', now);
      expect(await store.countShareLinksBy('alice', now)).toEqual({ count: 2, firstExpiresAt: now + 2_000 });
      expect(await store.countShareLinksBy('bob', now)).toEqual({ count: 1, firstExpiresAt: now + 1_000 });
      expect(await store.countShareLinksBy('alice', now + 2_000)).toEqual({ count: 1, firstExpiresAt: now + 5_000 });
    });

    it('keeps links across a reopen', async () => {
      await store.createShareLink(link());
      await store.revokeShareLink('plan', 'link-1', 1_700_000_000_500);
      await store.close();
      store = await harness.open();
      expect(await store.getShareLink('link-1')).toEqual(link({ revokedAt: 1_700_000_000_500 }));
    });
  });
}
