// Author colours: the n-th author recorded gets hue n × the golden angle, so that authors recorded one
// after another are far apart on the colour wheel however many there are; each colour is darkened until
// it reads as text on white (WCAG AA, 4.5:1), so it serves for underlines and, as a light tint, for
// backgrounds alike.

const GOLDEN_ANGLE = 137.50776405003785;
/** The first author's hue: a blue, the most common choice for "you". */
const FIRST_HUE = 212;
const SATURATION = 0.72;
const START_LIGHTNESS = 0.46;
/** Contrast of the colour against white, at least (WCAG AA for normal text). */
export const MIN_CONTRAST_ON_WHITE = 4.5;

/** The colour of the author recorded after `n` others, as '#rrggbb'. */
export function authorColor(n: number): string {
  const hue = (FIRST_HUE + (Math.max(0, Math.trunc(n)) % 100_000) * GOLDEN_ANGLE) % 360;
  for (let lightness = START_LIGHTNESS; ; lightness -= 0.01) {
    const rgb = hslToRgb(hue, SATURATION, lightness);
    if (contrastOnWhite(rgb) >= MIN_CONTRAST_ON_WHITE || lightness <= 0.1) return toHex(rgb);
  }
}

/** A stable colour of the same palette for an id without a record (FNV-1a of the id picks the place). */
export function colorForId(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return authorColor(hash % 4096);
}

type Rgb = readonly [number, number, number];

function hslToRgb(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export const contrastOnWhite = (rgb: Rgb): number => 1.05 / (luminance(rgb) + 0.05);

export const parseHex = (hex: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;

const toHex = (rgb: Rgb) => `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
