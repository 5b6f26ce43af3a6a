// Directory: designed routes. The list by the partnership that governs them or an actor at
// either end, each with its needs, stage, instrument and agreement (flagged when it ends within
// EXPIRING_DAYS); create a route; a route is removed (deleteRoute, with the version read) rather
// than archived, as the API has it.
import { h } from '../../dom';
import { formatDate, needLabel, t } from '../../i18n';
import { mutate, query } from '../../api';
import { AdminCreateRouteDocument, AdminDeleteRouteDocument, AdminPartnershipsDocument, AdminRoutesDocument, AdminServiceSearchDocument, type AdminRouteFieldsFragment, type CreateRouteInput, type RouteFilter } from '../../gql/graphql';
import { refresh, type Page, type PageContext } from '../../router';
import { errorBox, userErrorsBox } from '../../ui';
import type { Picked } from '../../widgets';
import { form, setFlash, staleBox, submit, takeFlash } from './forms';
import { EXPIRING_DAYS, editMark, findActors, headRow, layout, mayCreate, pagedList, pickerWidget, searchPicker, pageOf } from './parts';

const HERE = '/admin/routes';

export const page: Page = {
  title: () => t('admin.routes'),
  async render(ctx: PageContext) {
    const filter: RouteFilter = {};
    if (ctx.query.get('partnership')) filter.partnership = ctx.query.get('partnership');
    if (ctx.query.get('actor')) filter.actor = ctx.query.get('actor');
    const results = h('section', { id: 'admin-results', 'aria-live': 'polite', 'aria-label': t('admin.results') });
    const show = (): void => pagedList(results, async (after) => {
      const d = await query(AdminRoutesDocument, { filter, after });
      return pageOf(d.routes);
    }, row, headRow('admin.from', 'admin.to', 'admin.needs', 'admin.stage', 'admin.instrument', 'admin.agreement', 'admin.actions'), t('admin.none'));
    const actor = searchPicker(t('admin.routesOfActor'), findActors, (p) => {
      if (p) filter.actor = p.id; else delete filter.actor;
    });
    const filters = h('form', { id: 'admin-search', class: 'row g-3 align-items-end mb-3', role: 'search', onsubmit: (e: Event) => {
      e.preventDefault();
      const params = new URLSearchParams();
      if (filter.partnership) params.set('partnership', filter.partnership);
      if (filter.actor) params.set('actor', filter.actor);
      history.replaceState(null, '', `${HERE}?${params}`);
      show();
    } },
    h('div', { class: 'col-12 col-md-8' }, actor.el),
    h('div', { class: 'col-12 col-md-4 mb-3' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('finder.search'))),
    filter.partnership ? h('p', { class: 'col-12' }, t('admin.routesOfPartnership'), ' ', h('a', { href: HERE }, t('admin.allRoutes'))) : null);
    show();
    return layout(HERE, t('admin.routes'), takeFlash(), filters, results, mayCreate() ? createForm() : null);
  },
};

function endName(e: AdminRouteFieldsFragment['from']): string { return e.name; }

function row(r: AdminRouteFieldsFragment): HTMLElement {
  const status = h('div', { 'aria-live': 'polite' });
  const remove = async (): Promise<void> => {
    status.replaceChildren();
    try {
      const res = await mutate(AdminDeleteRouteDocument, { input: { id: r.id, version: r.version } });
      const errors = res.deleteRoute.userErrors;
      if (errors.length) {
        status.append(userErrorsBox(errors));
        if (errors.some((e) => e.code === 'VERSION_CONFLICT')) status.append(staleBox());
        return;
      }
      setFlash(t('admin.routeRemoved'));
      refresh();
    } catch (err) { status.append(errorBox(err)); }
  };
  return h('tr', { 'data-route': r.id, 'data-ending': r.agreementEnding ? 'true' : null },
    h('td', { class: r.agreementEnding ? 'border-start border-4 border-warning' : null }, endName(r.from)),
    h('td', {}, endName(r.to)),
    h('td', {}, r.needs.length ? r.needs.map(needLabel).join(', ') : t('admin.anyNeed')),
    h('td', {}, r.stage ? `${r.stage.code} ${r.stage.name}` : ''),
    h('td', {}, r.instrument ?? ''),
    h('td', {}, r.partnership ? h('a', { href: `/admin/partnerships/${encodeURIComponent(r.partnership.id)}` }, r.partnership.title) : t('admin.noAgreement'),
      r.agreementEndsOn ? ` · ${formatDate(r.agreementEndsOn)}` : '',
      r.agreementEnding ? [' ', h('span', { class: 'badge bg-warning text-dark', 'data-expiring': 'true' }, t('admin.expiring', { days: EXPIRING_DAYS }))] : null),
    h('td', {}, r.viewerCanEdit
      ? h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger', 'data-action': 'remove-route', 'aria-label': t('admin.removeRoute', { from: endName(r.from), to: endName(r.to) }), onclick: () => void remove() }, t('admin.remove'))
      : editMark(false), status));
}

async function findEnds(text: string): Promise<Picked[]> {
  const [actors, services] = await Promise.all([findActors(text), query(AdminServiceSearchDocument, { search: text })]);
  return [...actors, ...services.services.edges.map((e) => ({ id: e.node.id, name: `${e.node.name} (${e.node.provider.name})` }))];
}

async function findPartnerships(text: string): Promise<Picked[]> {
  const d = await query(AdminPartnershipsDocument, { filter: { search: text }, withinDays: EXPIRING_DAYS });
  return d.partnerships.edges.map((e) => ({ id: e.node.id, name: e.node.title }));
}

function createForm(): HTMLElement {
  const from = pickerWidget('fromId', t('admin.from'), findEnds, true);
  const to = pickerWidget('toId', t('admin.to'), findEnds, true);
  const partnership = pickerWidget('partnershipId', t('admin.agreement'), findPartnerships);
  const f = form('route-form', [{ name: 'instrument', label: 'admin.instrument', help: 'admin.instrumentHelp' }], [from, to, partnership], t('admin.create'), (f) => void submit(f, async () => {
    const r = await mutate(AdminCreateRouteDocument, { input: f.all() as unknown as CreateRouteInput });
    return r.createRoute.userErrors;
  }, () => { setFlash(t('admin.created')); refresh(); }));
  return h('section', { 'aria-labelledby': 'new-route-h', class: 'mt-4' }, h('h2', { id: 'new-route-h', class: 'h4' }, t('admin.newRoute')), f.el);
}
