// The colours people are shown in: each person's own colour (chosen once in their browser), unless
// someone present at the same time already shows one within MIN_HUE_APART degrees of it; the later
// one is then shown in the free palette slot farthest from everyone's colours. Every colour shown is
// dark enough for white cursor-label text (4.5:1 on white, WCAG AA).
//
// Who keeps their colour: this browser's person always; then whoever was shown before (a colour once
// shown stays while its person is present, with the same own colour); newcomers adapt, in client-id order. Each browser decides
// for itself, so two onlookers may show a late-comer in different colours; nobody's colour changes
// under their eyes.

import type { Awareness } from 'y-protocols/awareness';

/** Colours of people present at once are at least this far apart in hue, while the palette allows. */
export const MIN_HUE_APART = 30;
export const MIN_CONTRAST_ON_WHITE = 4.5;

type Rgb = readonly [number, number, number];

const parseHex = (hex: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
const toHex = (rgb: Rgb) => `#${rgb.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast of '#rrggbb' against white. */
export const contrastOnWhite = (hex: string): number => 1.05 / (luminance(parseHex(hex)) + 0.05);

function hslToRgb(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}

/** The hue of '#rrggbb' in degrees [0, 360). */
export function hueOf(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => v / 255) as unknown as Rgb;
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** Degrees between two hues the short way round the wheel, 0..180. */
export const hueDistance = (a: number, b: number): number => {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
};

/** `hex`, darkened (same hue) until white text on it reads at 4.5:1. */
export function readable(hex: string): string {
  let rgb = parseHex(hex);
  for (let i = 0; i < 40 && contrastOnWhite(toHex(rgb)) < MIN_CONTRAST_ON_WHITE; i++) rgb = rgb.map((v) => v * 0.95) as unknown as Rgb;
  return toHex(rgb);
}

/** A clear colour of `hue`, as light as 4.5:1 allows. */
function colorOfHue(hue: number): string {
  for (let l = 0.5; ; l -= 0.01) {
    const hex = toHex(hslToRgb(hue, 0.72, l));
    if (contrastOnWhite(hex) >= MIN_CONTRAST_ON_WHITE || l <= 0.1) return hex;
  }
}

/** Twelve hues MIN_HUE_APART apart starting at `from`, each as light as 4.5:1 allows. */
export const paletteFrom = (from: number): string[] =>
  Array.from({ length: Math.floor(360 / MIN_HUE_APART) }, (_, i) => colorOfHue((from + i * MIN_HUE_APART) % 360));

/** The colours a browser picks from for its person (a blue first). */
export const PALETTE: readonly string[] = paletteFrom(212);

export interface Colored {
  readonly clientId: number;
  /** The person's own colour, '#rrggbb'. */
  readonly color: string;
  readonly isSelf: boolean;
}

/** The colour a person was shown in, and their own colour it was chosen for. */
export interface Shown {
  readonly own: string;
  readonly color: string;
}

/**
 * The colour to show each person in (by client id). `before`: what was shown before; those still
 * present with the same own colour keep it. Pure: the same people and `before` give the same answer.
 */
export function spreadColors(people: readonly Colored[], before: ReadonlyMap<number, Shown> = new Map()): Map<number, Shown> {
  const shown = new Map<number, string>();
  for (const p of people) {
    const was = before.get(p.clientId);
    if (was !== undefined && was.own === p.color) shown.set(p.clientId, was.color);
  }
  const order = [...people].sort(
    (a, b) => Number(b.isSelf) - Number(a.isSelf) || Number(shown.has(b.clientId)) - Number(shown.has(a.clientId)) || a.clientId - b.clientId,
  );
  const result = new Map<number, Shown>();
  const taken: number[] = [];
  const apart = (hue: number) => Math.min(180, ...taken.map((t) => hueDistance(t, hue)));
  // The free slots are laid out from this browser's person's hue, so that twelve fit around it.
  let palette: readonly string[] = PALETTE;
  for (const person of order) {
    let color = person.isSelf ? readable(person.color) : (shown.get(person.clientId) ?? readable(person.color));
    if (!person.isSelf && apart(hueOf(color)) < MIN_HUE_APART) {
      const own = hueOf(color);
      // The slot farthest from everyone shown; of equally far ones, the nearest to their own colour.
      let best = palette[0]!;
      for (const slot of palette) {
        const gain = apart(hueOf(slot)) - apart(hueOf(best));
        if (gain > 0.5 || (gain > -0.5 && hueDistance(hueOf(slot), own) < hueDistance(hueOf(best), own))) best = slot;
      }
      color = best;
    }
    if (person.isSelf) palette = paletteFrom(hueOf(color));
    result.set(person.clientId, { own: person.color, color });
    taken.push(hueOf(color));
  }
  return result;
}

export interface PresenceColors {
  /** The colour to show the person of `clientId` in, or their own colour made readable if not present. */
  colorOf(clientId: number, own: string): string;
}

const byAwareness = new WeakMap<Awareness, PresenceColors>();

/**
 * The colours of one document's people, shared by the people list and the remote cursors (one per
 * Awareness, so both show a person alike). Recomputed from the present states on each read.
 */
export function presenceColors(awareness: Awareness): PresenceColors {
  let colors = byAwareness.get(awareness);
  if (colors !== undefined) return colors;
  let shown = new Map<number, Shown>();
  colors = {
    colorOf(clientId, own) {
      const people: Colored[] = [];
      for (const [id, state] of awareness.getStates()) {
        const color = (state as { user?: { color?: unknown } }).user?.color;
        if (typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)) people.push({ clientId: id, color, isSelf: id === awareness.clientID });
      }
      shown = spreadColors(people, shown);
      return shown.get(clientId)?.color ?? readable(own);
    },
  };
  byAwareness.set(awareness, colors);
  return colors;
}
