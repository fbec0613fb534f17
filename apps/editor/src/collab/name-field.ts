// The "Your name" field, tucked away on a phone: behind a button beside the people, so that it does
// not take a row of the screen above the text. On a wider screen the button is not shown (style.css)
// and the field is always there.

/** Puts a show/hide button for `field` (the label holding the input) just before it, in `container`. */
export function tuckNameField(container: HTMLElement, field: HTMLElement): HTMLButtonElement {
  field.id ||= 'my-name-field';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'my-name-toggle';
  button.textContent = 'Your name';
  button.title = 'Change the name the others see';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', field.id);
  const show = (open: boolean) => {
    container.classList.toggle('name-open', open);
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => {
    const open = !container.classList.contains('name-open');
    show(open);
    if (open) field.querySelector('input')?.focus();
  });
  field.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !container.classList.contains('name-open')) return;
    show(false);
    button.focus();
  });
  field.before(button);
  return button;
}
