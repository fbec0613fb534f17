// Tells a live client from one whose network dropped without a close frame: every connection is
// pinged each interval (one timer for all of them; a WebSocket ping, or Tandem's probe for clients
// that answer it); one that has answered nothing (no pong, no message) by the next ping is away,
// and one silent for `dropAfterMs` is cut off.

export interface HeartbeatSettings {
  /** How often each connection is pinged; a ping unanswered by the next one marks it away. */
  readonly intervalMs: number;
  /** A connection that answers nothing this long is terminated (its presence removed for everyone). */
  readonly dropAfterMs: number;
}

/** The side of a connection the heartbeat drives (see Connection). */
export interface Heartbeating {
  /** Called once per interval: pings, and returns how many pings in a row went unanswered before this one. */
  heartbeat(): number;
  markAway(): void;
  dropSilent(): void;
}

export interface Heartbeat {
  stop(): void;
}

export function startHeartbeat(settings: HeartbeatSettings, connections: () => Iterable<Heartbeating>): Heartbeat {
  const dropAfterMissed = Math.max(1, Math.ceil(settings.dropAfterMs / settings.intervalMs));
  const timer = setInterval(() => {
    for (const conn of connections()) {
      const missed = conn.heartbeat();
      if (missed >= dropAfterMissed) conn.dropSilent();
      else if (missed >= 1) conn.markAway();
    }
  }, settings.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
