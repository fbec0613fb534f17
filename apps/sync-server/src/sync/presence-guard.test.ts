import pino from 'pino';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { LOCAL_PRINCIPAL } from '../auth/token.js';
import { createMetrics } from '../metrics/metrics.js';
import { PresenceGuard, type PresenceOwner } from './presence-guard.js';

/** One awareness update with one entry, as a stock client sends it. */
function entry(id: number, clock: number, state: unknown): Uint8Array {
  const remote = new awarenessProtocol.Awareness(new Y.Doc());
  remote.states.set(id, state as Record<string, unknown>);
  remote.meta.set(id, { clock, lastUpdated: Date.now() });
  const update = awarenessProtocol.encodeAwarenessUpdate(remote, [id]);
  remote.destroy();
  return update;
}

describe('PresenceGuard', () => {
  it('forgets the states it raised for a connection that was away, once that connection is gone', () => {
    const awareness = new awarenessProtocol.Awareness(new Y.Doc());
    awareness.setLocalState(null);
    const guard = new PresenceGuard({
      doc: 'd',
      awareness,
      limits: { maxStatesPerConnection: 4, maxStateBytes: 8192, maxStatesPerDoc: 100 },
      events: createMetrics().events,
    });
    const raised = (guard as unknown as { raised: Map<number, unknown> }).raised;
    // Sessions that go away (their network drops) and are then dropped: every one leaves its id behind.
    for (let i = 0; i < 50; i++) {
      const owner: PresenceOwner = { principal: LOCAL_PRINCIPAL, log: pino({ level: 'silent' }), send: () => {} };
      guard.receive(owner, entry(1000 + i, 1, { user: { name: 'x'.repeat(500) } }));
      guard.setAway(owner, true, 'heartbeat');
      guard.release(owner, 'leave');
    }
    expect(awareness.getStates().size).toBe(0);
    expect(raised.size).toBe(0);
    awareness.destroy();
  });
});
