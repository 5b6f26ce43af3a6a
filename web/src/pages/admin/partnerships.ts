// Directory: partnerships. The list searched by words, zone, kind and status, those expiring
// within EXPIRING_DAYS highlighted (the API's Partnership.ending, by the store's clock); a
// partnership's page with its members and their roles (add, change, remove, each with the
// version read); create, edit, end (status ENDED: partnerships are ended, not archived).
import { h, uid } from '../../dom';
import { formatDate, label, t } from '../../i18n';
import { mutate, query, type UserError } from '../../api';
import {
  AdminAddMemberDocument, AdminCreatePartnershipDocument, AdminPartnershipDocument, AdminPartnershipsDocument, AdminRemoveMemberDocument,
  AdminUpdateMemberDocument, AdminUpdatePartnershipDocument, type AddMemberInput, type AdminPartnershipQuery, type CreatePartnershipInput, type MemberRole,
  type PartnershipFilter, type PartnershipKind, type PartnershipOrderField, type PartnershipStatus, type UpdatePartnershipInput,
} from '../../gql/graphql';
import { go, refresh, type Page, type PageContext } from '../../router';
import { errorBox, field, userErrorsBox } from '../../ui';
import { zonePicker } from '../../widgets';
import { facts, form, options, readOnly, saveEdit, setFlash, staleBox, submit, takeFlash, type FieldSpec } from './forms';
import { EXPIRING_DAYS, editMark, findActors, headRow, layout, mayCreate, pagedList, pickerWidget, statusBadge, zoneSet, filterSelect, pageOf, sectionPage } from './parts';

const KINDS: PartnershipKind[] = ['OPERATIONAL_PROTOCOL', 'PROGRAMME_AGREEMENT', 'TEMPORARY_ASSOCIATION', 'LETTER_OF_ADHESION', 'CONVENTION', 'ETS_CONTRACT', 'COORDINATION_GROUP', 'FUNDED_PROJECT'];
const STATUSES: PartnershipStatus[] = ['DRAFT', 'ACTIVE', 'ENDED'];
const ROLES: MemberRole[] = ['LEAD', 'PARTNER', 'ADHERENT', 'FUNDER', 'OBSERVER'];
const HERE = '/admin/partnerships';

type Partnership = Extract<NonNullable<AdminPartnershipQuery['node']>, { __typename: 'Partnership' }>;
let title = '';

export const page: Page = sectionPage(() => title, list, create, detail);

function expiring(): HTMLElement {
  return h('span', { class: 'badge bg-warning text-dark', 'data-expiring': 'true' }, t('admin.expiring', { days: EXPIRING_DAYS }));
}

function list(ctx: PageContext): HTMLElement {
  title = t('admin.partnerships');
  const q = ctx.query;
  const textId = uid('q');
  const kindId = uid('kind');
  const statusId = uid('status');
  const orderId = uid('order');
  const text = h('input', { id: textId, type: 'search', class: 'form-control', value: q.get('q') ?? '' });
  const zone = zonePicker(q.get('zone') ? { id: q.get('zone')!, name: q.get('zn') ?? '' } : null, () => {});
  const kind = filterSelect(kindId, 'partnershipKind', KINDS, q.get('kind'));
  const status = filterSelect(statusId, 'partnershipStatus', STATUSES, q.get('status'));
  const order = h('select', { id: orderId, class: 'form-select' },
    h('option', { value: 'TITLE', selected: q.get('order') !== 'END_DATE' }, t('admin.byTitle')),
    h('option', { value: 'END_DATE', selected: q.get('order') === 'END_DATE' }, t('admin.byEnd')));
  const results = h('section', { id: 'admin-results', 'aria-live': 'polite', 'aria-label': t('admin.results') });
  const search = (): void => {
    const filter: PartnershipFilter = {};
    const params = new URLSearchParams();
    if (text.value.trim()) { filter.search = text.value.trim(); params.set('q', filter.search); }
    const z = zone.value();
    if (z) { filter.zone = z.id; params.set('zone', z.id); params.set('zn', z.name); }
    if (kind.value) { filter.kinds = [kind.value as PartnershipKind]; params.set('kind', kind.value); }
    if (status.value) { filter.statuses = [status.value as PartnershipStatus]; params.set('status', status.value); }
    params.set('order', order.value);
    history.replaceState(null, '', `${HERE}?${params}`);
    pagedList(results, async (after) => {
      const d = await query(AdminPartnershipsDocument, { filter, orderBy: { field: order.value as PartnershipOrderField }, after, withinDays: EXPIRING_DAYS });
      return pageOf(d.partnerships);
    }, (p) => {
      const soon = p.ending && p.status !== 'ENDED';
      return h('tr', { 'data-partnership': p.id, 'data-ending': soon ? 'true' : null },
        h('td', { class: soon ? 'border-start border-4 border-warning' : null }, h('a', { href: `${HERE}/${encodeURIComponent(p.id)}` }, p.title)),
        h('td', {}, label('partnershipKind', p.kind)),
        h('td', {}, p.zones.map((z) => z.name).join(', ')),
        h('td', {}, p.endDate ? formatDate(p.endDate) : t('admin.openEnded'), soon ? [' ', expiring()] : null),
        h('td', {}, statusBadge('partnershipStatus', p.status)),
        h('td', {}, editMark(p.viewerCanEdit)));
    }, headRow('admin.titleCol', 'admin.kind', 'admin.zonesCol', 'admin.endDate', 'admin.status', 'admin.edit'), t('admin.none'));
  };
  const filters = h('form', { id: 'admin-search', class: 'row g-3 align-items-end mb-3', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); search(); } },
    h('div', { class: 'col-12 col-md-4' }, field(textId, t('admin.searchWords'), text)),
    h('div', { class: 'col-12 col-md-4' }, zone.el),
    h('div', { class: 'col-6 col-md-4' }, field(kindId, t('admin.kind'), kind)),
    h('div', { class: 'col-6 col-md-4' }, field(statusId, t('admin.status'), status)),
    h('div', { class: 'col-6 col-md-4' }, field(orderId, t('admin.order'), order)),
    h('div', { class: 'col-12 col-md-4 mb-3' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('finder.search'))));
  search();
  return layout(HERE, title, takeFlash(), mayCreate() ? h('p', {}, h('a', { class: 'btn btn-outline-primary', href: `${HERE}/new`, 'data-action': 'new' }, t('admin.newPartnership'))) : null, filters, results);
}

function specs(p?: Partnership): FieldSpec[] {
  return [
    { name: 'title', label: 'admin.titleCol', required: true, value: p?.title },
    { name: 'kind', label: 'admin.kind', kind: 'select', options: options('partnershipKind', KINDS, label), value: p?.kind ?? 'OPERATIONAL_PROTOCOL' },
    { name: 'description', label: 'admin.description', kind: 'textarea', value: p?.description },
    { name: 'status', label: 'admin.status', kind: 'select', options: options('partnershipStatus', STATUSES, label), value: p?.status ?? 'ACTIVE' },
    { name: 'startDate', label: 'admin.startDate', kind: 'date', value: p?.startDate },
    { name: 'endDate', label: 'admin.endDate', kind: 'date', value: p?.endDate },
  ];
}

function create(): HTMLElement {
  title = t('admin.newPartnership');
  const zones = zoneSet('zoneIds', t('admin.zonesCol'), []);
  const f = form('partnership-form', specs(), [zones], t('admin.create'), (f) => void submit(f, async () => {
    const r = await mutate(AdminCreatePartnershipDocument, { input: f.all() as unknown as CreatePartnershipInput });
    if (r.createPartnership.partnership) { setFlash(t('admin.created')); go(`${HERE}/${encodeURIComponent(r.createPartnership.partnership.id)}`); }
    return r.createPartnership.userErrors;
  }, () => {}));
  return layout(HERE, title, f.el);
}

// memberWrite runs a change of the members and redraws the page, or shows what was wrong.
async function memberWrite(status: HTMLElement, write: () => Promise<readonly UserError[]>): Promise<void> {
  status.replaceChildren();
  try {
    const errors = await write();
    if (errors.length) {
      status.append(userErrorsBox(errors));
      if (errors.some((e) => e.code === 'VERSION_CONFLICT')) status.append(staleBox());
      return;
    }
    setFlash(t('admin.saved'));
    refresh();
  } catch (err) {
    status.append(errorBox(err));
  }
}

function members(p: Partnership): HTMLElement {
  const status = h('div', { 'aria-live': 'polite', id: 'members-status' });
  const rows = p.members.edges.map((e) => {
    const m = e.node;
    const roleId = uid('role');
    const role = h('select', { id: roleId, class: 'form-select form-select-sm', 'aria-label': t('admin.roleOf', { name: m.actor.name }) },
      ROLES.map((r) => h('option', { value: r, selected: r === m.role }, label('memberRole', r))));
    return h('tr', { 'data-member': m.actor.id },
      h('td', {}, h('a', { href: `/admin/actors/${encodeURIComponent(m.actor.id)}` }, m.actor.name)),
      h('td', {}, p.viewerCanEdit ? role : label('memberRole', m.role)),
      h('td', {}, m.since ? formatDate(m.since) : ''),
      p.viewerCanEdit ? h('td', { class: 'text-nowrap' },
        h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary me-2', 'data-action': 'change-role', 'aria-label': t('admin.changeRoleOf', { name: m.actor.name }),
          onclick: () => void memberWrite(status, async () => (await mutate(AdminUpdateMemberDocument, { input: { partnershipId: p.id, version: p.version, actorId: m.actor.id, role: role.value as MemberRole } })).updatePartnershipMember.userErrors) }, t('admin.changeRole')),
        h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger', 'data-action': 'remove-member', 'aria-label': t('admin.removeMember', { name: m.actor.name }),
          onclick: () => void memberWrite(status, async () => (await mutate(AdminRemoveMemberDocument, { input: { partnershipId: p.id, version: p.version, actorId: m.actor.id } })).removePartnershipMember.userErrors) }, t('admin.remove'))) : null);
  });
  const table = p.members.totalCount === 0 ? h('p', { class: 'text-muted' }, t('admin.noMembers')) : h('div', { class: 'table-responsive' }, h('table', { class: 'table table-sm align-middle', id: 'members' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('admin.member')), h('th', { scope: 'col' }, t('admin.role')), h('th', { scope: 'col' }, t('admin.since')), p.viewerCanEdit ? h('th', { scope: 'col' }, t('admin.actions')) : null)),
    h('tbody', {}, rows)));
  let add: HTMLElement | null = null;
  if (p.viewerCanEdit) {
    const actor = pickerWidget('actorId', t('admin.member'), findActors, true);
    const f = form('member-form', [
      { name: 'role', label: 'admin.role', kind: 'select', options: options('memberRole', ROLES, label), value: 'PARTNER' },
      { name: 'since', label: 'admin.since', kind: 'date' },
    ], [actor], t('admin.addMember'), (f) => void submit(f, async () => {
      const r = await mutate(AdminAddMemberDocument, { input: { partnershipId: p.id, version: p.version, ...f.all() } as AddMemberInput });
      return r.addPartnershipMember.userErrors;
    }, () => { setFlash(t('admin.saved')); refresh(); }));
    add = h('div', { class: 'mt-3' }, h('h3', { class: 'h5' }, t('admin.addMember')), f.el);
  }
  return h('section', { 'aria-labelledby': 'members-h', class: 'mb-4' }, h('h2', { id: 'members-h', class: 'h4' }, t('admin.members', { n: p.members.totalCount })), table, status, add);
}

async function detail(id: string): Promise<HTMLElement> {
  const d = await query(AdminPartnershipDocument, { id, withinDays: EXPIRING_DAYS });
  const p = d.node?.__typename === 'Partnership' ? d.node : null;
  if (!p) { title = t('app.notFound'); return layout(HERE, title, h('p', {}, t('app.notFoundText'))); }
  title = p.title;
  const soon = p.ending && p.status !== 'ENDED';
  const info = facts([
    [t('admin.kind'), label('partnershipKind', p.kind)],
    [t('admin.status'), statusBadge('partnershipStatus', p.status)],
    [t('admin.startDate'), p.startDate ? formatDate(p.startDate) : null],
    [t('admin.endDate'), p.endDate ? h('span', {}, formatDate(p.endDate), soon ? [' ', expiring()] : null) : t('admin.openEnded')],
    [t('admin.zonesCol'), p.zones.map((z) => z.name).join(', ')],
    [t('admin.version'), String(p.version)],
  ]);
  const routes = h('p', {}, h('a', { href: `/admin/routes?partnership=${encodeURIComponent(p.id)}` }, t('admin.routesOf')));
  if (!p.viewerCanEdit) return layout(HERE, title, takeFlash(), info, readOnly(), members(p), routes);
  const zones = zoneSet('zoneIds', t('admin.zonesCol'), p.zones);
  const update = async (input: Record<string, unknown>) => {
    const r = await mutate(AdminUpdatePartnershipDocument, { input: { id: p.id, version: p.version, ...input } as UpdatePartnershipInput });
    return r.updatePartnership.userErrors;
  };
  const end = p.status === 'ENDED' ? null : h('button', { type: 'button', class: 'btn btn-outline-danger', 'data-action': 'archive' }, t('admin.end'));
  const f = form('partnership-form', specs(p), [zones], t('admin.save'), (f) => saveEdit(f, update, () => { setFlash(t('admin.saved')); refresh(); }), end ? [end] : []);
  end?.addEventListener('click', () => void submit(f, () => update({ status: 'ENDED' }), () => { setFlash(t('admin.ended')); refresh(); }));
  return layout(HERE, title, takeFlash(), info, members(p), routes, h('h2', { class: 'h4' }, t('admin.editTitle')), f.el);
}
