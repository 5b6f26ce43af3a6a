// Pieces the directory's pages share: the sections' navigation, a search combobox for actors
// and services, the set of zones of a record, the paged table of a list.
import { h } from '../../dom';
import type { Page, PageContext } from '../../router';
import { label, t } from '../../i18n';
import type { MessageKey } from '../../i18n/it';
import { session } from '../../session';
import { into } from '../../ui';
import { query } from '../../api';
import { AdminActorSearchDocument } from '../../gql/graphql';
import { combobox, zonePicker, type Option, type Picked } from '../../widgets';
import { options, type Widget } from './forms';

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

// searchPicker is a combobox over a search of records, for the directory's forms.
export function searchPicker(labelText: string, find: (text: string) => Promise<Picked[]>, onPick: (p: Picked | null) => void = () => {}): { el: HTMLElement; input: HTMLInputElement; value: () => Picked | null; clear: () => void } {
  const options = async (text: string): Promise<Option[]> => (await find(text)).map((p) => ({ picked: p, text: p.name, attrs: { 'data-id': p.id } }));
  return combobox(labelText, options, t('admin.noMatch'), onPick);
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

/** A list filter's select of an enum's values (labels from the catalogue under prefix), "any"
 * first, set to the value the page's query string gave. */
export function filterSelect(id: string, prefix: string, values: readonly string[], current: string | null): HTMLSelectElement {
  return h('select', { id, class: 'form-select' }, options(prefix, values, label, t('admin.any'))
    .map((o) => h('option', { value: o.value, selected: o.value === (current ?? '') }, o.text)));
}

/** A connection of the API as pagedList reads it. */
export function pageOf<T>(c: { totalCount: number; edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } }): { total: number; items: T[]; next: string | null } {
  return { total: c.totalCount, items: c.edges.map((e) => e.node), next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor ?? null : null };
}

type View = HTMLElement | Promise<HTMLElement>;

/** A directory section's page: its list (no id), the form of a new record (`new`), or a record. */
export function sectionPage(title: () => string, list: (ctx: PageContext) => View, create: () => View, detail: (id: string) => View): Page {
  return {
    title,
    async render(ctx: PageContext) {
      const id = ctx.params.id;
      if (!id) return list(ctx);
      if (id === 'new') return create();
      return detail(id);
    },
  };
}
