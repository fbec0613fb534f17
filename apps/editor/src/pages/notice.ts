// A page's "this cannot work here" notice: what is wrong, why, and links that lead somewhere that works.

export interface NoticeLink {
  readonly label: string;
  readonly href: string;
}

export interface Notice {
  readonly title: string;
  /** Sentences saying why, and what to do. */
  readonly text: string;
  readonly links: readonly NoticeLink[];
}

/** An alert (announced once when it appears) with a heading, its explanation and its links. */
export function createNotice(notice: Notice): HTMLElement {
  const box = document.createElement('section');
  box.className = 'doc-notice';
  box.setAttribute('role', 'alert');
  box.dataset.testid = 'doc-notice';
  const title = document.createElement('h2');
  title.textContent = notice.title;
  const text = document.createElement('p');
  text.textContent = notice.text;
  const links = document.createElement('p');
  links.className = 'doc-notice-links';
  for (const { label, href } of notice.links) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = label;
    links.append(a);
  }
  box.append(title, text, links);
  return box;
}
