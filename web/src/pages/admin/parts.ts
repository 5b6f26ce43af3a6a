// Pieces the directory's pages share: the sections' navigation, a search combobox for actors
// and services, the set of zones of a record, the paged table of a list.
import { h, uid } from '../../dom';
import { label, t } from '../../i18n';
import type { MessageKey } from '../../i18n/it';
import { session } from '../../session';
import { into } from '../../ui';
import { query } from '../../api';
import { AdminActorSearchDocument } from '../../gql/graphql';
import { zonePicker, type Picked } from '../../widgets';
import type { Widget } from './forms';

export const SECTIONS: { path: string; key: MessageKey }[] = [
  { path: '/admin/zones', key: 'admin.zones' },
  { path: '/admin/actors', key: 'admin.actors' },
  { path: '/admin/services', key: 'admin.services' },
  { path: '/admin/partnerships', key: 'admin.partnerships' },
  { path: '/admin/routes', key: 'admin.routes' },
  { path: '/admin/models', key: 'admin.models' },
];

// EXPIRING_DAYS is how far ahead a partnership counts as expiring soon (the API's
// Partnership.ending and Route.agreementEnding take it).
export const EXPIRING_DAYS = 60;

// mayCreate tells whether the viewer's role creates directory records (the API checks the
// zones of what is created); pathway models are the admins'.
export function mayCreate(admin = false): boolean {
  return admin ? session.role() === 'ADMIN' : ['ADMIN', 'COORDINATOR'].includes(session.role());
}

// sections is the directory's own navigation, the current section marked.
export function sections(current: string): HTMLElement {
  return h('nav', { 'aria-label': t('admin.sections'), class: 'mb-4' },
    h('ul', { class: 'nav nav-tabs' }, SECTIONS.map((s) => h('li', { class: 'nav-item' },
      h('a', { class: `nav-link${s.path === current ? ' active' : ''}`, href: s.path, 'aria-current': s.path === current ? 'page' : null }, t(s.key))))));
}

// layout is a directory page: its heading, the sections, an optional flash message, the body.
export function layout(current: string, title: string, ...body: (Node | null)[]): HTMLElement {
  return h('div', { class: 'directory-admin' }, h('h1', {}, title), sections(current), ...body);
}

export function statusBadge(prefix: string, status: string): HTMLElement {
  const kind = status === 'ACTIVE' ? 'success' : status === 'DRAFT' || status === 'SUSPENDED' ? 'warning' : 'secondary';
  return h('span', { class: `badge bg-${kind}`, 'data-status': status }, label(prefix, status));
}

// searchPicker is an ARIA 1.2 combobox over a search: type, pick with arrows and Enter.
export function searchPicker(labelText: string, find: (text: string) => Promise<Picked[]>, onPick: (p: Picked | null) => void = () => {}): { el: HTMLElement; input: HTMLInputElement; value: () => Picked | null; clear: () => void } {
  const id = uid('pick');
  const listId = `${id}-list`;
  let picked: Picked | null = null;
  const input = h('input', { id, type: 'text', class: 'form-control', role: 'combobox', autocomplete: 'off', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId });
  const list = h('ul', { id: listId, role: 'listbox', class: 'zone-options', hidden: true, 'aria-label': labelText });
  let opts: Picked[] = [];
  let active = -1;
  let timer = 0;
  let seq = 0;
  const close = (): void => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; };
  const choose = (p: Picked): void => { picked = p; input.value = p.name; close(); onPick(p); };
  const highlight = (i: number): void => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `${listId}-${i}`);
  };
  input.addEventListener('input', () => {
    picked = null;
    onPick(null);
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) { close(); return; }
    timer = window.setTimeout(() => {
      const mine = ++seq;
      void find(text).then((found) => {
        if (mine !== seq) return;
        opts = found;
        list.replaceChildren(...(found.length === 0
          ? [h('li', { role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false' }, t('admin.noMatch'))]
          : found.map((p, i) => h('li', { id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', 'data-id': p.id, onmousedown: (ev: Event) => { ev.preventDefault(); choose(opts[i]); } }, p.name))));
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        active = -1;
      });
    }, 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden || opts.length === 0) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight(Math.min(active + 1, opts.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(opts[active]); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => window.setTimeout(close, 100));
  const el = h('div', { class: 'mb-3 position-relative' }, h('label', { for: id, class: 'form-label fw-semibold' }, labelText), input, list);
  return { el, input, value: () => picked, clear: () => { picked = null; input.value = ''; } };
}

// findActors is the actors whose name matches the text, for the pickers.
export async function findActors(text: string): Promise<Picked[]> {
  const d = await query(AdminActorSearchDocument, { search: text });
  return d.actors.edges.map((e) => ({ id: e.node.id, name: `${e.node.name} (${label('actorKind', e.node.kind)})` }));
}

// pickerWidget is a search combobox as a form widget: its value is the picked record's ID; a
// required one with nothing picked gives '', so that the API says so at the field.
export function pickerWidget(name: string, labelText: string, find: (text: string) => Promise<Picked[]>, required = false): Widget {
  const p = searchPicker(labelText, find);
  if (required) p.input.setAttribute('aria-required', 'true');
  return { name, el: p.el, control: p.input, value: () => p.value()?.id ?? (required ? '' : undefined), changed: () => p.value() !== null };
}

// zoneSet is the zones of a record as a widget: each chosen zone with a button that removes
// it, and the zone combobox that adds one. Its value is the zones' IDs.
export function zoneSet(name: string, legend: string, initial: readonly { id: string; name: string; kind?: string }[]): Widget {
  let zones: Picked[] = initial.map((z) => ({ id: z.id, name: z.kind ? `${z.name} (${label('zoneKind', z.kind)})` : z.name }));
  const start = initial.map((z) => z.id).sort().join(',');
  const list = h('ul', { class: 'list-unstyled mb-2', 'data-zones': name });
  const draw = (): void => {
    list.replaceChildren(...(zones.length === 0 ? [h('li', { class: 'text-muted' }, t('admin.noZones'))] : zones.map((z) => h('li', { class: 'd-flex align-items-center gap-2 mb-1', 'data-zone': z.id },
      h('span', {}, z.name),
      h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger py-0', 'aria-label': t('admin.removeZone', { name: z.name }), onclick: () => { zones = zones.filter((x) => x.id !== z.id); draw(); } }, t('admin.remove'))))));
  };
  draw();
  const picker = zonePicker(null, (z) => {
    if (z && !zones.some((x) => x.id === z.id)) { zones.push(z); draw(); }
  }, t('admin.addZone'));
  const input = picker.el.querySelector('input')!;
  const el = h('fieldset', { class: 'mb-3', 'data-field': name }, h('legend', { class: 'fs-6 fw-semibold' }, legend), list, picker.el);
  return { name, el, control: input, value: () => zones.map((z) => z.id), changed: () => zones.map((z) => z.id).sort().join(',') !== start };
}

// pagedList draws a list's first page and a button that appends the next ones.
export function pagedList<T>(region: HTMLElement, load: (after?: string) => Promise<{ total: number; items: T[]; next: string | null }>, row: (item: T) => HTMLElement, head: HTMLElement, none: string): void {
  void into(region, async () => {
    const first = await load();
    if (first.total === 0) return h('p', { 'data-empty': 'true' }, none);
    const body = h('tbody', {}, first.items.map(row));
    const more = h('div', { class: 'mt-2' });
    const addMore = (next: string | null): void => {
      more.replaceChildren(next ? h('button', { type: 'button', class: 'btn btn-outline-primary btn-sm', onclick: async () => {
        const page = await load(next);
        body.append(...page.items.map(row));
        addMore(page.next);
      } }, t('paging.next')) : '');
    };
    addMore(first.next);
    return [h('p', { class: 'fw-semibold', 'data-total': String(first.total) }, t('admin.count', { n: first.total })),
      h('div', { class: 'table-responsive' }, h('table', { class: 'table table-sm align-middle' }, h('thead', {}, head), body)), more];
  });
}

export function headRow(...keys: MessageKey[]): HTMLElement {
  return h('tr', {}, keys.map((k) => h('th', { scope: 'col' }, t(k))));
}

// editBadge says, in a list, whether the viewer may change the record.
export function editMark(can: boolean): HTMLElement {
  return can ? h('span', { class: 'badge bg-primary', 'data-can-edit': 'true' }, t('admin.editable')) : h('span', { class: 'text-muted small', 'data-can-edit': 'false' }, t('admin.readOnlyShort'));
}
