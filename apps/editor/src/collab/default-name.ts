// Default names for people who have not given one: an adjective and an animal ("Curious Otter"), so
// that two people's avatars (the initials of the two words) usually differ. Names given by a person
// are theirs and never replaced; only the old "Anonymous …" defaults are.

/** One word per initial letter where we could, so that initials spread as widely as the names. */
export const ADJECTIVES = [
  'Amber', 'Brave', 'Curious', 'Dapper', 'Eager', 'Fuzzy', 'Gentle', 'Happy', 'Idle', 'Jolly', 'Keen', 'Lucky', 'Mellow',
  'Nimble', 'Olive', 'Plucky', 'Quiet', 'Rapid', 'Sunny', 'Tidy', 'Upbeat', 'Vivid', 'Witty', 'Young', 'Zesty',
  'Bold', 'Calm', 'Daring', 'Fancy', 'Grand', 'Humble', 'Merry', 'Noble', 'Proud', 'Swift', 'Wise',
] as const;

export const ANIMALS = [
  'Alpaca', 'Badger', 'Crane', 'Dingo', 'Eagle', 'Falcon', 'Gecko', 'Heron', 'Ibex', 'Jackal', 'Koala', 'Lynx', 'Marten',
  'Newt', 'Otter', 'Puffin', 'Quail', 'Raven', 'Seal', 'Tapir', 'Urchin', 'Vole', 'Walrus', 'Yak', 'Zebra',
  'Beaver', 'Camel', 'Dolphin', 'Ferret', 'Hare', 'Lemur', 'Moose', 'Owl', 'Panda', 'Robin', 'Tiger',
] as const;

/** "Curious Otter": a random adjective and animal (`random` returns [0, 1), as Math.random). */
export function defaultName(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.min(list.length - 1, Math.floor(random() * list.length))]!;
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

/** The defaults given before these: "Anonymous Otter" and the like, which all showed "A". */
export const isOldDefaultName = (name: string): boolean => /^Anonymous [A-Z][a-z]+$/.test(name);

/** What an avatar shows: the first letters of the first two words ("CO"), or of the one word ("A"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((w) => w !== '');
  return words
    .slice(0, 2)
    .map((w) => [...w][0]!.toLocaleUpperCase())
    .join('');
}
