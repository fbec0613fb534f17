// Token buckets for one connection: messages per second and bytes per second, each allowing bursts
// of `burstSeconds` worth. One object holds both, since every connection carries one.

export class RateLimiter {
  private messages: number;
  private bytes: number;
  private last = performance.now();

  constructor(
    private readonly messagesPerSecond: number,
    private readonly bytesPerSecond: number,
    private readonly burstSeconds = 2,
  ) {
    this.messages = messagesPerSecond * burstSeconds;
    this.bytes = bytesPerSecond * burstSeconds;
  }

  /** Takes one message of `size` bytes; false (and nothing taken) when either bucket is short. */
  take(size: number): boolean {
    const now = performance.now();
    const elapsed = (now - this.last) / 1000;
    this.last = now;
    this.messages = Math.min(this.messagesPerSecond * this.burstSeconds, this.messages + elapsed * this.messagesPerSecond);
    this.bytes = Math.min(this.bytesPerSecond * this.burstSeconds, this.bytes + elapsed * this.bytesPerSecond);
    if (this.messages < 1 || this.bytes < size) return false;
    this.messages -= 1;
    this.bytes -= size;
    return true;
  }
}
