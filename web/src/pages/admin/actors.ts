// Directory: actors. The list searched by words, zone, kind and status; an actor's page with its
// services and partnerships; create, edit (its zones replaced as a whole, the version read sent
// back) and archive.
import { h, uid } from '../../dom';
import { label, t } from '../../i18n';
import { mutate, query } from '../../api';
import { AdminActorDocument, AdminActorsDocument, AdminCreateActorDocument, AdminUpdateActorDocument, type ActorFilter, type ActorKind, type AdminActorQuery, type CreateActorInput, type RecordStatus, type UpdateActorInput } from '../../gql/graphql';
import { go, refresh, type Page, type PageContext } from '../../router';
import { field } from '../../ui';
import { zonePicker } from '../../widgets';
import { facts, form, options, readOnly, saveEdit, setFlash, submit, takeFlash, type FieldSpec } from './forms';
import { editMark, findActors, headRow, layout, mayCreate, pagedList, pickerWidget, statusBadge, zoneSet, filterSelect, pageOf, sectionPage } from './parts';

export const ACTOR_KINDS: ActorKind[] = ['REGIONAL_AUTHORITY', 'MUNICIPALITY', 'SOCIAL_HEALTH_CONSORTIUM', 'JOB_CENTRE', 'REGIONAL_LABOUR_AGENCY', 'HEALTH_AUTHORITY',
  'WORK_INSURANCE_INSTITUTE', 'LABOUR_INSPECTORATE', 'POLICE_HEADQUARTERS', 'PREFECTURE', 'TERRITORIAL_COMMISSION', 'COURT', 'RECEPTION_CENTRE', 'COOPERATIVE',
  'ASSOCIATION', 'CONSORTIUM', 'TRADE_UNION', 'EMPLOYER', 'BANK_OR_CHAMBER', 'ADULT_SCHOOL', 'HELPLINE', 'ANTI_TRAFFICKING_SYSTEM', 'EMERGENCY_SYSTEM', 'GOVERNANCE_BODY', 'OTHER'];
const STATUSES: RecordStatus[] = ['ACTIVE', 'ARCHIVED'];
const HERE = '/admin/actors';

type Actor = Extract<NonNullable<AdminActorQuery['node']>, { __typename: 'Actor' }>;
let title = '';

export const page: Page = sectionPage(() => title, list, create, detail);

function list(ctx: PageContext): HTMLElement {
  title = t('admin.actors');
  const q = ctx.query;
  const textId = uid('q');
  const kindId = uid('kind');
  const statusId = uid('status');
  const text = h('input', { id: textId, type: 'search', class: 'form-control', value: q.get('q') ?? '' });
  const zone = zonePicker(q.get('zone') ? { id: q.get('zone')!, name: q.get('zn') ?? '' } : null, () => {});
  const kind = filterSelect(kindId, 'actorKind', ACTOR_KINDS, q.get('kind'));
  const status = filterSelect(statusId, 'recordStatus', STATUSES, q.get('status'));
  const results = h('section', { id: 'admin-results', 'aria-live': 'polite', 'aria-label': t('admin.results') });
  const search = (): void => {
    const filter: ActorFilter = {};
    const params = new URLSearchParams();
    if (text.value.trim()) { filter.search = text.value.trim(); params.set('q', filter.search); }
    const z = zone.value();
    if (z) { filter.zone = z.id; params.set('zone', z.id); params.set('zn', z.name); }
    if (kind.value) { filter.kinds = [kind.value as ActorKind]; params.set('kind', kind.value); }
    if (status.value) { filter.statuses = [status.value as RecordStatus]; params.set('status', status.value); }
    history.replaceState(null, '', `${HERE}?${params}`);
    pagedList(results, async (after) => {
      const d = await query(AdminActorsDocument, { filter, after });
      return pageOf(d.actors);
    }, (a) => h('tr', { 'data-actor': a.id },
      h('td', {}, h('a', { href: `${HERE}/${encodeURIComponent(a.id)}` }, a.name)),
      h('td', {}, label('actorKind', a.kind)),
      h('td', {}, a.zones.map((z) => z.name).join(', ')),
      h('td', {}, statusBadge('recordStatus', a.status)),
      h('td', {}, editMark(a.viewerCanEdit))),
    headRow('admin.name', 'admin.kind', 'admin.zonesCol', 'admin.status', 'admin.edit'), t('admin.none'));
  };
  const filters = h('form', { id: 'admin-search', class: 'row g-3 align-items-end mb-3', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); search(); } },
    h('div', { class: 'col-12 col-md-4' }, field(textId, t('admin.searchWords'), text)),
    h('div', { class: 'col-12 col-md-4' }, zone.el),
    h('div', { class: 'col-6 col-md-2' }, field(kindId, t('admin.kind'), kind)),
    h('div', { class: 'col-6 col-md-2' }, field(statusId, t('admin.status'), status)),
    h('div', { class: 'col-12' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('finder.search'))));
  search();
  return layout(HERE, title, takeFlash(), mayCreate() ? h('p', {}, h('a', { class: 'btn btn-outline-primary', href: `${HERE}/new`, 'data-action': 'new' }, t('admin.newActor'))) : null, filters, results);
}

function specs(a?: Actor): FieldSpec[] {
  return [
    { name: 'name', label: 'admin.name', required: true, value: a?.name },
    { name: 'kind', label: 'admin.kind', kind: 'select', options: options('actorKind', ACTOR_KINDS, label), value: a?.kind ?? 'ASSOCIATION' },
    { name: 'description', label: 'admin.description', kind: 'textarea', value: a?.description },
    { name: 'taxCode', label: 'admin.taxCode', help: 'admin.taxCodeHelp', value: a?.taxCode },
    { name: 'contacts.phone', label: 'admin.phone', value: a?.contacts.phone },
    { name: 'contacts.email', label: 'admin.email', value: a?.contacts.email },
    { name: 'contacts.website', label: 'admin.website', help: 'admin.websiteHelp', value: a?.contacts.website },
    { name: 'contacts.address', label: 'admin.address', value: a?.contacts.address },
  ];
}

function create(): HTMLElement {
  title = t('admin.newActor');
  const zones = zoneSet('zoneIds', t('admin.zonesCol'), []);
  const parent = pickerWidget('parentId', t('admin.parentActor'), findActors);
  const f = form('actor-form', specs(), [zones, parent], t('admin.create'), (f) => void submit(f, async () => {
    const r = await mutate(AdminCreateActorDocument, { input: f.all() as unknown as CreateActorInput });
    if (r.createActor.actor) { setFlash(t('admin.created')); go(`${HERE}/${encodeURIComponent(r.createActor.actor.id)}`); }
    return r.createActor.userErrors;
  }, () => {}));
  return layout(HERE, title, f.el);
}

async function detail(id: string): Promise<HTMLElement> {
  const d = await query(AdminActorDocument, { id });
  const a = d.node?.__typename === 'Actor' ? d.node : null;
  if (!a) { title = t('app.notFound'); return layout(HERE, title, h('p', {}, t('app.notFoundText'))); }
  title = a.name;
  const info = facts([
    [t('admin.kind'), label('actorKind', a.kind)],
    [t('admin.status'), statusBadge('recordStatus', a.status)],
    [t('admin.zonesCol'), a.zones.map((z) => z.name).join(', ')],
    [t('admin.parentActor'), a.parent ? h('a', { href: `${HERE}/${encodeURIComponent(a.parent.id)}` }, a.parent.name) : null],
    [t('admin.version'), String(a.version)],
  ]);
  const related = h('div', { class: 'row' },
    h('section', { class: 'col-12 col-lg-6', 'aria-labelledby': 'actor-services-h' },
      h('h2', { id: 'actor-services-h', class: 'h5' }, t('admin.servicesOf', { n: a.services.totalCount })),
      h('ul', {}, a.services.edges.map((e) => h('li', {}, h('a', { href: `/admin/services/${encodeURIComponent(e.node.id)}` }, e.node.name), ' ', statusBadge('serviceStatus', e.node.status))))),
    h('section', { class: 'col-12 col-lg-6', 'aria-labelledby': 'actor-partnerships-h' },
      h('h2', { id: 'actor-partnerships-h', class: 'h5' }, t('admin.partnerships')),
      h('ul', {}, a.partnerships.edges.map((e) => h('li', {}, h('a', { href: `/admin/partnerships/${encodeURIComponent(e.node.partnership.id)}` }, e.node.partnership.title), ` · ${label('memberRole', e.node.role)}`)))));
  if (!a.viewerCanEdit) return layout(HERE, title, takeFlash(), info, readOnly(), related);
  const zones = zoneSet('zoneIds', t('admin.zonesCol'), a.zones);
  const update = async (input: Record<string, unknown>) => {
    const r = await mutate(AdminUpdateActorDocument, { input: { id: a.id, version: a.version, ...input } as UpdateActorInput });
    return r.updateActor.userErrors;
  };
  const archive = h('button', { type: 'button', class: 'btn btn-outline-danger', 'data-action': 'archive' }, a.status === 'ARCHIVED' ? t('admin.restore') : t('admin.archive'));
  const f = form('actor-form', specs(a), [zones], t('admin.save'), (f) => saveEdit(f, update, () => { setFlash(t('admin.saved')); refresh(); }), [archive]);
  archive.addEventListener('click', () => void submit(f, () => update({ status: a.status === 'ARCHIVED' ? 'ACTIVE' : 'ARCHIVED' }), () => { setFlash(a.status === 'ARCHIVED' ? t('admin.restored') : t('admin.archived')); refresh(); }));
  return layout(HERE, title, takeFlash(), info, related, h('h2', { class: 'h4' }, t('admin.editTitle')), f.el);
}
