// Directory: zones. The list searched by name or ISTAT code, kind and status; a zone's page with
// its place in the zone graph (a municipality in its province and its social district at once),
// its zones inside; create, edit (the version read sent back) and archive.
import { h, uid } from '../../dom';
import { label, t } from '../../i18n';
import { mutate, query } from '../../api';
import { AdminCreateZoneDocument, AdminUpdateZoneDocument, AdminZoneDocument, AdminZonesDocument, type AdminZoneQuery, type CreateZoneInput, type UpdateZoneInput, type ZoneFilter, type ZoneKind, type RecordStatus } from '../../gql/graphql';
import { go, refresh, type Page, type PageContext } from '../../router';
import { field } from '../../ui';
import { facts, form, options, readOnly, saveEdit, setFlash, submit, takeFlash, type FieldSpec } from './forms';
import { editMark, headRow, layout, mayCreate, pagedList, statusBadge, zoneSet, filterSelect, pageOf, sectionPage } from './parts';

const KINDS: ZoneKind[] = ['REGION', 'PROVINCE', 'HEALTH_AGENCY_AREA', 'SOCIAL_DISTRICT', 'MUNICIPALITY', 'CUSTOM'];
const STATUSES: RecordStatus[] = ['ACTIVE', 'ARCHIVED'];
const HERE = '/admin/zones';

type Zone = Extract<NonNullable<AdminZoneQuery['node']>, { __typename: 'Zone' }>;
let title = '';

export const page: Page = sectionPage(() => title, list, create, detail);

function kindOf(z: { name: string; kind: string }): string { return `${z.name} (${label('zoneKind', z.kind)})`; }

function list(ctx: PageContext): HTMLElement {
  title = t('admin.zones');
  const q = ctx.query;
  const textId = uid('q');
  const kindId = uid('kind');
  const statusId = uid('status');
  const text = h('input', { id: textId, type: 'search', class: 'form-control', value: q.get('q') ?? '' });
  const kind = filterSelect(kindId, 'zoneKind', KINDS, q.get('kind'));
  const status = filterSelect(statusId, 'recordStatus', STATUSES, q.get('status') ?? 'ACTIVE');
  const results = h('section', { id: 'admin-results', 'aria-live': 'polite', 'aria-label': t('admin.results') });
  const search = (): void => {
    const filter: ZoneFilter = {};
    const params = new URLSearchParams();
    const s = text.value.trim();
    if (/^\d{2,6}$/.test(s)) filter.istatCode = s;
    else if (s) filter.search = s;
    if (s) params.set('q', s);
    if (kind.value) { filter.kinds = [kind.value as ZoneKind]; params.set('kind', kind.value); }
    if (status.value) filter.statuses = [status.value as RecordStatus];
    params.set('status', status.value);
    history.replaceState(null, '', `${HERE}?${params}`);
    pagedList(results, async (after) => {
      const d = await query(AdminZonesDocument, { filter, after });
      return pageOf(d.zones);
    }, (z) => h('tr', { 'data-zone': z.id },
      h('td', {}, h('a', { href: `${HERE}/${encodeURIComponent(z.id)}` }, z.name)),
      h('td', {}, label('zoneKind', z.kind)),
      h('td', {}, z.istatCode ?? ''),
      h('td', {}, z.parents.map(kindOf).join(' · ')),
      h('td', {}, statusBadge('recordStatus', z.status)),
      h('td', {}, editMark(z.viewerCanEdit))),
    headRow('admin.name', 'admin.kind', 'admin.istat', 'admin.within', 'admin.status', 'admin.edit'), t('admin.none'));
  };
  const filters = h('form', { id: 'admin-search', class: 'row g-3 align-items-end mb-3', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); search(); } },
    h('div', { class: 'col-12 col-md-5' }, field(textId, t('admin.searchZone'), text)),
    h('div', { class: 'col-6 col-md-3' }, field(kindId, t('admin.kind'), kind)),
    h('div', { class: 'col-6 col-md-2' }, field(statusId, t('admin.status'), status)),
    h('div', { class: 'col-12 col-md-2 mb-3' }, h('button', { type: 'submit', class: 'btn btn-primary w-100' }, t('finder.search'))));
  search();
  return layout(HERE, title, takeFlash(), mayCreate() ? h('p', {}, h('a', { class: 'btn btn-outline-primary', href: `${HERE}/new`, 'data-action': 'new' }, t('admin.newZone'))) : null, filters, results);
}

function specs(z?: Zone): FieldSpec[] {
  return [
    { name: 'name', label: 'admin.name', required: true, value: z?.name },
    { name: 'kind', label: 'admin.kind', kind: 'select', options: options('zoneKind', KINDS, label), value: z?.kind ?? 'MUNICIPALITY' },
    { name: 'istatCode', label: 'admin.istat', help: 'admin.istatHelp', value: z?.istatCode },
  ];
}

function create(): HTMLElement {
  title = t('admin.newZone');
  const parents = zoneSet('parentIds', t('admin.parents'), []);
  const f = form('zone-form', specs(), [parents], t('admin.create'), (f) => void submit(f, async () => {
    const r = await mutate(AdminCreateZoneDocument, { input: f.all() as CreateZoneInput });
    if (r.createZone.zone) { setFlash(t('admin.created')); go(`${HERE}/${encodeURIComponent(r.createZone.zone.id)}`); }
    return r.createZone.userErrors;
  }, () => {}));
  return layout(HERE, title, f.el);
}

async function detail(id: string): Promise<HTMLElement> {
  const d = await query(AdminZoneDocument, { id });
  const z = d.node?.__typename === 'Zone' ? d.node : null;
  if (!z) { title = t('app.notFound'); return layout(HERE, title, h('p', {}, t('app.notFoundText'))); }
  title = z.name;
  // The zone graph around the zone: each parent with the zones it lies in, and the zones inside.
  const graph = h('section', { 'aria-labelledby': 'zone-graph-h', class: 'mb-4', id: 'zone-graph' },
    h('h2', { id: 'zone-graph-h', class: 'h4' }, t('admin.zoneGraph')),
    z.parents.length === 0 ? h('p', {}, t('admin.topZone')) : h('ul', {}, z.parents.map((p) => h('li', { 'data-parent': p.kind },
      h('a', { href: `${HERE}/${encodeURIComponent(p.id)}` }, kindOf(p)),
      p.parents.length ? ` ${t('admin.inside')} ${p.parents.map(kindOf).join(', ')}` : ''))),
    h('h3', { class: 'h5' }, t('admin.children', { n: z.children.totalCount })),
    z.children.totalCount === 0 ? h('p', { class: 'text-muted' }, t('admin.noChildren')) : h('ul', { class: 'columns-list' }, z.children.edges.map((e) => h('li', {},
      h('a', { href: `${HERE}/${encodeURIComponent(e.node.id)}` }, kindOf(e.node)), e.node.status === 'ARCHIVED' ? ` (${label('recordStatus', 'ARCHIVED')})` : ''))));
  const info = facts([[t('admin.kind'), label('zoneKind', z.kind)], [t('admin.istat'), z.istatCode], [t('admin.status'), statusBadge('recordStatus', z.status)], [t('admin.version'), String(z.version)]]);
  if (!z.viewerCanEdit) return layout(HERE, title, takeFlash(), info, readOnly(), graph);
  const parents = zoneSet('parentIds', t('admin.parents'), z.parents);
  const update = async (input: Record<string, unknown>) => {
    const r = await mutate(AdminUpdateZoneDocument, { input: { id: z.id, version: z.version, ...input } as UpdateZoneInput });
    return r.updateZone.userErrors;
  };
  const archive = h('button', { type: 'button', class: 'btn btn-outline-danger', 'data-action': 'archive' }, z.status === 'ARCHIVED' ? t('admin.restore') : t('admin.archive'));
  const f = form('zone-form', specs(z), [parents], t('admin.save'), (f) => saveEdit(f, update, () => { setFlash(t('admin.saved')); refresh(); }), [archive]);
  archive.addEventListener('click', () => void submit(f, () => update({ status: z.status === 'ARCHIVED' ? 'ACTIVE' : 'ARCHIVED' }), () => { setFlash(z.status === 'ARCHIVED' ? t('admin.restored') : t('admin.archived')); refresh(); }));
  return layout(HERE, title, takeFlash(), info, graph, h('h2', { class: 'h4' }, t('admin.editTitle')), f.el);
}
