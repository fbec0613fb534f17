// A count with its noun, singular for one ("1 change", "2 changes", "1,204 changes").

export const counted = (n: number, noun: string, nouns = `${noun}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
