// The local person: a display name and a colour, kept in this browser for next time.

export interface User {
  readonly name: string;
  /** 6-digit hex: y-prosemirror appends an alpha suffix for selections. */
  readonly color: string;
}

const KEY = 'tandem:user';
const COLORS = ['#e11d48', '#2563eb', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#dc2626', '#4f46e5'];
const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Badger', 'Falcon', 'Marten', 'Ibex', 'Puffin', 'Gecko', 'Bison'];

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export function loadUser(storage: Storage = localStorage): User {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<User> | null;
    if (saved && typeof saved.name === 'string' && /^#[0-9a-f]{6}$/i.test(saved.color ?? '')) {
      return { name: saved.name, color: saved.color! };
    }
  } catch {
    // A corrupt entry is replaced below.
  }
  const user = { name: `Anonymous ${pick(ANIMALS)}`, color: pick(COLORS) };
  saveUser(user, storage);
  return user;
}

export function saveUser(user: User, storage: Storage = localStorage): void {
  storage.setItem(KEY, JSON.stringify(user));
}
