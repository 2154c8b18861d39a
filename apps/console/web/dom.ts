type Child = Node | string | number | null | undefined | false;

/** A tiny element builder: `h('td', { class: 'num' }, 42)`. Text is always set as text. */
export function h(
  tag: string,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

/** A table with a header row; `rows` are arrays of cells (or a ready <tr>). */
export function table(headers: (string | [string, string])[], rows: HTMLElement[]): HTMLElement {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headers.map((header) =>
          Array.isArray(header) ? h('th', { class: header[1] }, header[0]) : h('th', {}, header),
        ),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

export const empty = (text: string): HTMLElement => h('div', { class: 'empty' }, text);
