// The file name of a download, from its Content-Disposition (a module of its own: no DOM needed to test it).

/** The file name a Content-Disposition gives: its exact `filename*` (UTF-8), else its ASCII `filename`. */
export function downloadFileName(disposition: string): string | undefined {
  const exact = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition)?.[1];
  if (exact !== undefined) {
    try {
      return decodeURIComponent(exact);
    } catch {
      // malformed: the ASCII name below
    }
  }
  return /filename="([^"]+)"/.exec(disposition)?.[1];
}
