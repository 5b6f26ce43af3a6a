// Directory: services. The list searched by words, zone, channel and status; a service's page
// with its fields (updateService), its zones and needs (linkService), both with the version
// read; create; archive (status ARCHIVED). Only a service the viewer may change gets forms.
import { h, uid } from '../../dom';
import { label, lang, needLabel, t } from '../../i18n';
import { mutate, query } from '../../api';
import {
  AdminCreateServiceDocument, AdminLinkServiceDocument, AdminServiceCategoriesDocument, AdminServiceDocument,
  AdminServicesDocument, AdminUpdateServiceDocument, type AdminServiceQuery, type CreateServiceInput, type ServiceChannel, type ServiceFilter,
  type ServiceStatus, type UpdateServiceInput,
} from '../../gql/graphql';
import { go, refresh, type Page, type PageContext } from '../../router';
import { field } from '../../ui';
import { needPicker, zonePicker } from '../../widgets';
import { facts, form, options, readOnly, saveEdit, setFlash, submit, takeFlash, type FieldSpec, type Widget } from './forms';
import { editMark, findActors, headRow, layout, mayCreate, pagedList, pickerWidget, statusBadge, zoneSet, filterSelect, pageOf, sectionPage } from './parts';

const CHANNELS: ServiceChannel[] = ['DESK', 'DROP_IN', 'MOBILE_UNIT', 'HELPLINE', 'OUTREACH', 'SHELTER', 'COURSE', 'PLACEMENT', 'ONLINE'];
const STATUSES: ServiceStatus[] = ['ACTIVE', 'SUSPENDED', 'ARCHIVED'];
const HERE = '/admin/services';

type Svc = Extract<NonNullable<AdminServiceQuery['node']>, { __typename: 'Service' }>;
let title = '';

export const page: Page = sectionPage(() => title, list, create, detail);

function list(ctx: PageContext): HTMLElement {
  title = t('admin.services');
  const q = ctx.query;
  const textId = uid('q');
  const channelId = uid('channel');
  const statusId = uid('status');
  const text = h('input', { id: textId, type: 'search', class: 'form-control', value: q.get('q') ?? '' });
  const zone = zonePicker(q.get('zone') ? { id: q.get('zone')!, name: q.get('zn') ?? '' } : null, () => {});
  const channel = filterSelect(channelId, 'channel', CHANNELS, q.get('channel'));
  const status = filterSelect(statusId, 'serviceStatus', STATUSES, q.get('status'));
  const results = h('section', { id: 'admin-results', 'aria-live': 'polite', 'aria-label': t('admin.results') });
  const search = (): void => {
    const filter: ServiceFilter = {};
    const params = new URLSearchParams();
    if (text.value.trim()) { filter.search = text.value.trim(); params.set('q', filter.search); }
    const z = zone.value();
    if (z) { filter.zone = z.id; params.set('zone', z.id); params.set('zn', z.name); }
    if (channel.value) { filter.channels = [channel.value as ServiceChannel]; params.set('channel', channel.value); }
    if (status.value) { filter.statuses = [status.value as ServiceStatus]; params.set('status', status.value); }
    history.replaceState(null, '', `${HERE}?${params}`);
    pagedList(results, async (after) => {
      const d = await query(AdminServicesDocument, { filter, after });
      return pageOf(d.services);
    }, (s) => h('tr', { 'data-service': s.id },
      h('td', {}, h('a', { href: `${HERE}/${encodeURIComponent(s.id)}` }, s.name)),
      h('td', {}, s.provider.name),
      h('td', {}, label('channel', s.channel)),
      h('td', {}, s.zones.map((z) => z.name).join(', ')),
      h('td', {}, statusBadge('serviceStatus', s.status)),
      h('td', {}, editMark(s.viewerCanEdit))),
    headRow('admin.name', 'admin.provider', 'admin.channel', 'admin.zonesCol', 'admin.status', 'admin.edit'), t('admin.none'));
  };
  const filters = h('form', { id: 'admin-search', class: 'row g-3 align-items-end mb-3', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); search(); } },
    h('div', { class: 'col-12 col-md-4' }, field(textId, t('admin.searchWords'), text)),
    h('div', { class: 'col-12 col-md-4' }, zone.el),
    h('div', { class: 'col-6 col-md-2' }, field(channelId, t('admin.channel'), channel)),
    h('div', { class: 'col-6 col-md-2' }, field(statusId, t('admin.status'), status)),
    h('div', { class: 'col-12' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('finder.search'))));
  search();
  return layout(HERE, title, takeFlash(), mayCreate() ? h('p', {}, h('a', { class: 'btn btn-outline-primary', href: `${HERE}/new`, 'data-action': 'new' }, t('admin.newService'))) : null, filters, results);
}

async function categoryOptions(): Promise<{ value: string; text: string }[]> {
  const d = await query(AdminServiceCategoriesDocument, {});
  const name = (c: { labelIt: string; labelEn: string }): string => (lang() === 'it' ? c.labelIt : c.labelEn);
  return d.serviceCategories.flatMap((c) => [{ value: c.id, text: name(c) }, ...c.narrower.map((n) => ({ value: n.id, text: `${name(c)} › ${name(n)}` }))]);
}

function specs(cats: { value: string; text: string }[], s?: Svc): FieldSpec[] {
  return [
    { name: 'name', label: 'admin.name', required: true, value: s?.name },
    { name: 'description', label: 'admin.description', kind: 'textarea', value: s?.description },
    { name: 'categoryId', label: 'admin.category', kind: 'select', options: [{ value: '', text: t('admin.pick') }, ...cats], value: s?.category.id, required: true },
    { name: 'channel', label: 'admin.channel', kind: 'select', options: options('channel', CHANNELS, label), value: s?.channel ?? 'DESK' },
    { name: 'status', label: 'admin.status', kind: 'select', options: options('serviceStatus', STATUSES, label), value: s?.status ?? 'ACTIVE' },
    { name: 'accessConditions', label: 'admin.accessConditions', kind: 'textarea', value: s?.accessConditions },
    { name: 'languages', label: 'admin.languages', kind: 'list', help: 'finder.languagesHelp', value: s?.languages },
    { name: 'minAge', label: 'admin.minAge', kind: 'number', value: s?.minAge },
    { name: 'maxAge', label: 'admin.maxAge', kind: 'number', value: s?.maxAge },
    { name: 'capacity', label: 'admin.capacity', kind: 'number', value: s?.capacity },
    { name: 'confidential', label: 'admin.confidential', kind: 'checkbox', value: s?.confidential ?? false },
    { name: 'address', label: 'admin.address', value: s?.address },
    { name: 'lastVerifiedAt', label: 'admin.lastVerified', kind: 'date', value: s?.lastVerifiedAt },
  ];
}

async function create(): Promise<HTMLElement> {
  title = t('admin.newService');
  const cats = await categoryOptions();
  const provider = pickerWidget('providerId', t('admin.provider'), findActors, true);
  const zones = zoneSet('zoneIds', t('admin.zonesCol'), []);
  const needs = await needPicker('svc-needs', [], true, t('admin.needs'));
  const needsWidget: Widget = { name: 'needIds', el: needs.el, control: needs.el, value: () => needs.values(), changed: () => true };
  const f = form('service-form', specs(cats), [provider, zones, needsWidget], t('admin.create'), (f) => void submit(f, async () => {
    const r = await mutate(AdminCreateServiceDocument, { input: f.all() as unknown as CreateServiceInput });
    if (r.createService.service) { setFlash(t('admin.created')); go(`${HERE}/${encodeURIComponent(r.createService.service.id)}`); }
    return r.createService.userErrors;
  }, () => {}));
  return layout(HERE, title, f.el);
}

async function detail(id: string): Promise<HTMLElement> {
  const d = await query(AdminServiceDocument, { id });
  const s = d.node?.__typename === 'Service' ? d.node : null;
  if (!s) { title = t('app.notFound'); return layout(HERE, title, h('p', {}, t('app.notFoundText'))); }
  title = s.name;
  const info = facts([
    [t('admin.provider'), h('a', { href: `/admin/actors/${encodeURIComponent(s.provider.id)}` }, s.provider.name)],
    [t('admin.category'), lang() === 'it' ? s.category.labelIt : s.category.labelEn],
    [t('admin.status'), statusBadge('serviceStatus', s.status)],
    [t('admin.zonesCol'), s.zones.map((z) => z.name).join(', ')],
    [t('admin.needs'), s.needs.map(needLabel).join(', ')],
    [t('admin.version'), h('span', { 'data-version': String(s.version) }, String(s.version))],
  ]);
  const publicPage = h('p', {}, h('a', { href: `/services/${encodeURIComponent(s.id)}` }, t('admin.publicPage')));
  if (!s.viewerCanEdit) return layout(HERE, title, takeFlash(), info, readOnly(), publicPage);
  const cats = await categoryOptions();
  const update = async (input: Record<string, unknown>) => {
    const r = await mutate(AdminUpdateServiceDocument, { input: { id: s.id, version: s.version, ...input } as UpdateServiceInput });
    return r.updateService.userErrors;
  };
  const archive = h('button', { type: 'button', class: 'btn btn-outline-danger', 'data-action': 'archive' }, s.status === 'ARCHIVED' ? t('admin.restore') : t('admin.archive'));
  const f = form('service-form', specs(cats, s), [], t('admin.save'), (f) => saveEdit(f, update, () => { setFlash(t('admin.saved')); refresh(); }), [archive]);
  archive.addEventListener('click', () => void submit(f, () => update({ status: s.status === 'ARCHIVED' ? 'ACTIVE' : 'ARCHIVED' }), () => { setFlash(s.status === 'ARCHIVED' ? t('admin.restored') : t('admin.archived')); refresh(); }));

  // Zones and needs: linkService adds and removes links, with the same version.
  const zones = zoneSet('zones', t('admin.zonesCol'), s.zones);
  const needs = await needPicker('svc-needs', s.needs.map((n) => n.id), true, t('admin.needs'));
  const startNeeds = s.needs.map((n) => n.id);
  const needsWidget: Widget = { name: 'needs', el: needs.el, control: needs.el, value: () => needs.values(), changed: () => needs.values().slice().sort().join() !== startNeeds.slice().sort().join() };
  const links = form('service-links', [], [zones, needsWidget], t('admin.saveLinks'), (lf) => saveEdit(lf, async (c) => {
    const oldZones = s.zones.map((z) => z.id);
    const newZones = (c.zones as string[] | undefined) ?? oldZones;
    const newNeeds = (c.needs as string[] | undefined) ?? startNeeds;
    const r = await mutate(AdminLinkServiceDocument, { input: {
      serviceId: s.id, version: s.version,
      addZoneIds: newZones.filter((z) => !oldZones.includes(z)), removeZoneIds: oldZones.filter((z) => !newZones.includes(z)),
      addNeedIds: newNeeds.filter((n) => !startNeeds.includes(n)), removeNeedIds: startNeeds.filter((n) => !newNeeds.includes(n)),
    } });
    // The API names the lists it was given: addZoneIds and removeZoneIds are the zones widget's.
    return r.linkService.userErrors.map((e) => ({ ...e, field: e.field.map((p) => (/ZoneIds$/.test(p) ? 'zones' : /NeedIds$/.test(p) ? 'needs' : p)) }));
  }, () => { setFlash(t('admin.saved')); refresh(); }));
  return layout(HERE, title, takeFlash(), info, publicPage,
    h('h2', { class: 'h4' }, t('admin.editTitle')), f.el,
    h('h2', { class: 'h4 mt-4' }, t('admin.links')), links.el);
}
