// Which author wrote (or deleted) which clock ranges of which Yjs client. The first range added for a
// clock wins, as the first update that inserted or deleted an id is the one that did it.

interface Range {
  readonly from: number;
  to: number;
  readonly order: number;
  readonly author: string;
}

/** Disjoint, sorted runs of one client: starts[i]..ends[i] belongs to authors[i]. */
interface Runs {
  readonly starts: number[];
  readonly ends: number[];
  readonly authors: string[];
}

export class RangeAuthors {
  private readonly added = new Map<number, Range[]>();
  private readonly resolved = new Map<number, Runs>();
  private order = 0;

  add(client: number, from: number, to: number, author: string): void {
    if (to <= from) return;
    let list = this.added.get(client);
    if (list === undefined) this.added.set(client, (list = []));
    // Typing appends to the range before it: extend that range (no other range of this client came
    // in between, so which one came first is unchanged for every clock).
    const last = list.at(-1);
    if (last !== undefined && last.to === from && last.author === author) last.to = to;
    else list.push({ from, to, order: this.order++, author });
    this.resolved.delete(client);
  }

  /** The author of `clock` (undefined if none), and the clock where that answer next changes. */
  find(client: number, clock: number): { author: string | undefined; end: number } {
    const runs = this.runsOf(client);
    // The last run starting at or before `clock`.
    let lo = 0;
    let hi = runs.starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (runs.starts[mid]! <= clock) (at = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    if (at >= 0 && clock < runs.ends[at]!) return { author: runs.authors[at], end: runs.ends[at]! };
    return { author: undefined, end: runs.starts[at + 1] ?? Number.POSITIVE_INFINITY };
  }

  /** Every disjoint run: [client, from, to, author]. */
  *runs(): Generator<[number, number, number, string]> {
    for (const client of this.added.keys()) {
      const runs = this.runsOf(client);
      for (let i = 0; i < runs.starts.length; i++) yield [client, runs.starts[i]!, runs.ends[i]!, runs.authors[i]!];
    }
  }

  private runsOf(client: number): Runs {
    let runs = this.resolved.get(client);
    if (runs === undefined) this.resolved.set(client, (runs = resolve(this.added.get(client) ?? [])));
    return runs;
  }
}

/** Overlapping ranges → disjoint runs where the earliest added range wins: a sweep with a heap, n·log n. */
function resolve(ranges: readonly Range[]): Runs {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.order - b.order);
  const runs: Runs = { starts: [], ends: [], authors: [] };
  const emit = (from: number, to: number, author: string) => {
    const n = runs.starts.length;
    if (n > 0 && runs.ends[n - 1] === from && runs.authors[n - 1] === author) runs.ends[n - 1] = to;
    else runs.starts.push(from), runs.ends.push(to), runs.authors.push(author);
  };
  const points = [...new Set(sorted.flatMap((r) => [r.from, r.to]))].sort((a, b) => a - b);
  const active = new MinHeap<Range>((a, b) => a.order - b.order);
  let next = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const at = points[i]!;
    while (next < sorted.length && sorted[next]!.from <= at) active.push(sorted[next++]!);
    while (active.size > 0 && active.peek()!.to <= at) active.pop();
    const winner = active.peek();
    if (winner !== undefined) emit(at, points[i + 1]!, winner.author);
  }
  return runs;
}

class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
