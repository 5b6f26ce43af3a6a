// Form widgets shared by pages: the comboboxes (zones and any search) and the searchable need tree.
import { h, uid } from './dom';
import { label, needLabel, t } from './i18n';
import { query } from './api';
import { NeedTreeDocument, ZoneSearchDocument, type NeedTreeQuery } from './gql/graphql';
import { go } from './router';

export interface Picked { id: string; name: string }

// pickedZone is the zone an address names: its ID in `zone`, its name in nameKey.
export function pickedZone(q: URLSearchParams, nameKey = 'zn'): Picked | null {
  const id = q.get('zone');
  return id ? { id, name: q.get(nameKey) ?? '' } : null;
}

// zoneForm is the form of a page about one zone: a zone picker (a zone is required, else the
// form says pick), the page's own fields, and a button that opens /name for the zone, its ID
// and name in the address with what params adds. The form is #name-form, its button
// #name-submit; cols are the Bootstrap columns of the picker and of the button.
export function zoneForm(o: {
  name: string;
  initial: Picked | null;
  text: { zone: string; pick: string; show: string };
  cols: { zone: string; button: string };
  fields?: HTMLElement[];
  params?: (q: URLSearchParams) => void;
}): HTMLElement {
  const picker = zonePicker(o.initial, () => {}, o.text.zone);
  const formError = h('div', { 'aria-live': 'polite' });
  return h('form', {
    id: `${o.name}-form`, class: 'row g-3 align-items-end mb-4', novalidate: true,
    onsubmit: (e: Event) => {
      e.preventDefault();
      const z = picker.value();
      if (!z) { formError.replaceChildren(h('p', { class: 'text-danger', role: 'alert' }, o.text.pick)); return; }
      const q = new URLSearchParams({ zone: z.id, name: z.name });
      o.params?.(q);
      go(`/${o.name}?${q}`);
    },
  },
  h('div', { class: o.cols.zone }, picker.el),
  ...(o.fields ?? []),
  h('div', { class: o.cols.button }, h('button', { type: 'submit', class: 'btn btn-primary w-100', id: `${o.name}-submit` }, o.text.show)),
  formError);
}

// An option of a combobox: what is picked, the text shown, and attributes for its list item.
export interface Option { picked: Picked; text: string; attrs: Record<string, string> }

// combobox is an ARIA 1.2 combobox over a search: type two characters or more, pick with
// arrows and Enter (or the mouse); `none` is said when the search finds nothing. Every picker
// of the app is one.
export function combobox(labelText: string, find: (text: string) => Promise<Option[]>, none: string,
  onPick: (p: Picked | null) => void = () => {}, initial: Picked | null = null, help?: string,
): { el: HTMLElement; input: HTMLInputElement; value: () => Picked | null; clear: () => void } {
  const id = uid('pick');
  const listId = `${id}-list`;
  let picked = initial;
  const input = h('input', {
    id, type: 'text', class: 'form-control', role: 'combobox', autocomplete: 'off',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId, value: initial?.name ?? '',
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'zone-options', hidden: true, 'aria-label': labelText });
  let options: Option[] = [];
  let active = -1;
  let timer = 0;
  let seq = 0;
  const close = (): void => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
  const choose = (o: Option): void => { picked = o.picked; input.value = o.picked.name; close(); onPick(o.picked); };
  const highlight = (i: number): void => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `${listId}-${i}`);
  };
  const search = async (text: string): Promise<void> => {
    const mine = ++seq;
    const found = await find(text);
    if (mine !== seq) return;
    options = found;
    list.replaceChildren(...(found.length === 0
      ? [h('li', { role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false' }, none)]
      : found.map((o, i) => h('li', {
        ...o.attrs, id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false',
        onmousedown: (ev: Event) => { ev.preventDefault(); choose(options[i]); },
      }, o.text))));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  };
  input.addEventListener('input', () => {
    picked = null;
    onPick(null);
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) { close(); return; }
    timer = window.setTimeout(() => void search(text), 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || options.length === 0) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight(Math.min(active + 1, options.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(options[active]); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => window.setTimeout(close, 100));
  const el = h('div', { class: 'mb-3 position-relative' },
    h('label', { for: id, class: 'form-label fw-semibold' }, labelText),
    input,
    help ? h('small', { id: `${id}-help`, class: 'form-text' }, help) : null,
    list);
  if (help) input.setAttribute('aria-describedby', `${id}-help`);
  return { el, input, value: () => picked, clear: () => { picked = null; input.value = ''; } };
}

// zonePicker is the zone combobox: type a name or an ISTAT code.
export function zonePicker(initial: Picked | null, onPick: (z: Picked | null) => void, labelText = t('finder.zone')): { el: HTMLElement; value: () => Picked | null } {
  const find = async (text: string): Promise<Option[]> => {
    const digits = /^\d{3,6}$/.test(text);
    const data = await query(ZoneSearchDocument, digits ? { istatCode: text } : { search: text });
    return data.zones.edges.map((e) => ({
      picked: { id: e.node.id, name: e.node.name }, attrs: { 'data-zone': e.node.id },
      text: `${e.node.name} (${label('zoneKind', e.node.kind)}${e.node.istatCode ? `, ISTAT ${e.node.istatCode}` : ''})`,
    }));
  };
  return combobox(labelText, find, t('finder.zoneNone'), onPick, initial, t('finder.zoneHelp'));
}

type NeedNode = NeedTreeQuery['needTree'][number];

let treeCache: Promise<NeedTreeQuery> | null = null;
export function needTree(): Promise<NeedTreeQuery> {
  treeCache ??= query(NeedTreeDocument, {});
  treeCache.catch(() => { treeCache = null; });
  return treeCache;
}

// needPicker is the need tree as radio buttons (one need) or checkboxes (several), with a
// filter that hides the needs whose label does not contain the text.
export async function needPicker(name: string, selected: string[], multiple: boolean, legend = t('finder.need')): Promise<{ el: HTMLElement; values: () => string[]; labelOf: (id: string) => string }> {
  const data = await needTree();
  const labels = new Map<string, string>();
  const filterId = uid('need-filter');
  const items: { li: HTMLElement; text: string }[] = [];
  const node = (n: NeedNode | NeedNode['narrower'][number]): HTMLElement => {
    labels.set(n.id, needLabel(n));
    const inputId = uid('need');
    const li = h('li', {},
      h('div', { class: 'form-check my-1' },
        h('input', { class: 'form-check-input', type: multiple ? 'checkbox' : 'radio', name, id: inputId, value: n.id, 'data-code': n.code, checked: selected.includes(n.id) }),
        h('label', { class: 'form-check-label', for: inputId }, needLabel(n))),
      'narrower' in n && n.narrower.length > 0 ? h('ul', {}, n.narrower.map((c) => node(c as NeedNode))) : null);
    items.push({ li, text: `${needLabel(n)} ${n.code}`.toLowerCase() });
    return li;
  };
  const tree = h('div', { class: 'need-tree' }, h('ul', {}, data.needTree.map((n) => node(n))));
  const filter = h('input', { id: filterId, type: 'search', class: 'form-control mb-2' });
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const { li, text } of items) li.hidden = q !== '' && !text.includes(q) && !li.querySelector(`li:not([hidden])`);
    // A parent stays visible when a child matches: walk again bottom-up.
    for (const { li, text } of [...items].reverse()) {
      const childShown = [...li.querySelectorAll(':scope > ul > li')].some((c) => !(c as HTMLElement).hidden);
      li.hidden = q !== '' && !text.includes(q) && !childShown;
    }
  });
  const el = h('fieldset', { class: 'mb-3' },
    h('legend', { class: 'fs-6 fw-semibold' }, legend),
    h('label', { for: filterId, class: 'form-label' }, t('finder.needFilter')),
    filter, tree);
  const values = (): string[] => [...el.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);
  return { el, values, labelOf: (id) => labels.get(id) ?? id };
}
