// The public directory: services searched by need and municipality, for anonymous visitors.
import { h, uid } from '../dom';
import { formatNumber, label, t } from '../i18n';
import { query } from '../api';
import { FindServicesDocument, PublicServicesDocument, type ServiceFilter } from '../gql/graphql';
import type { Page, PageContext } from '../router';
import { errorBox, field, into } from '../ui';
import { needPicker, zonePicker } from '../widgets';

export const page: Page = {
  title: () => t('directory.title'),
  async render(ctx: PageContext) {
    const q = ctx.query;
    const zone = zonePicker(q.get('zone') ? { id: q.get('zone')!, name: q.get('zn') ?? '' } : null, () => {});
    const need = await needPicker('dir-need', q.get('need') ? [q.get('need')!] : [], false);
    const textId = uid('text');
    const text = h('input', { id: textId, type: 'search', class: 'form-control', value: q.get('q') ?? '' });
    const results = h('section', { id: 'directory-results', 'aria-live': 'polite' });
    const search = (): void => {
      const filter: ServiceFilter = { statuses: ['ACTIVE'] };
      const z = zone.value();
      const n = need.values()[0];
      const params = new URLSearchParams();
      if (z) { filter.zone = z.id; params.set('zone', z.id); params.set('zn', z.name); }
      if (n) { filter.need = n; params.set('need', n); }
      if (text.value.trim()) { filter.search = text.value.trim(); params.set('q', text.value.trim()); }
      history.replaceState(null, '', `/services?${params}`);
      void show(results, filter);
    };
    const form = h('form', { id: 'directory-form', onsubmit: (e: Event) => { e.preventDefault(); search(); } },
      h('div', { class: 'row' },
        h('div', { class: 'col-12 col-lg-6' }, zone.el, field(textId, t('directory.search'), text)),
        h('div', { class: 'col-12 col-lg-6' }, need.el)),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'directory-submit' }, t('finder.search')));
    if ([...q.keys()].length) search();
    return h('div', {}, h('h1', {}, t('directory.title')), h('p', {}, t('directory.intro')), form, results);
  },
};

interface Listed { id: string; name: string; description?: string | null; channel: string; provider: { name: string } }

// list is the services of the search: with a zone and a need, the finder's (services that cover
// the zone through a wider one count, best first); otherwise the directory's filter.
async function list(filter: ServiceFilter): Promise<{ total: number; items: Listed[] }> {
  if (filter.zone && filter.need && !filter.search) {
    const data = await query(FindServicesDocument, { input: { zoneId: filter.zone, needId: filter.need }, first: 50 });
    return { total: data.findServices.totalCount, items: data.findServices.edges.map((e) => e.node.service) };
  }
  const data = await query(PublicServicesDocument, { filter, first: 50 });
  return { total: data.services.totalCount, items: data.services.edges.map((e) => e.node) };
}

async function show(region: HTMLElement, filter: ServiceFilter): Promise<void> {
  await into(region, async () => {
    const { total, items } = await list(filter);
    if (total === 0) return h('p', { class: 'mt-4' }, t('directory.none'));
    return [h('h2', { class: 'h3 mt-4' }, t('directory.count', { n: formatNumber(total) })),
      h('ul', { class: 'list-unstyled' }, items.map((node) => ({ node })).map((e) => h('li', { class: 'mb-3', 'data-service': e.node.id },
        h('a', { href: `/services/${encodeURIComponent(e.node.id)}`, class: 'fw-semibold' }, e.node.name),
        h('span', { class: 'ms-2 text-muted' }, `${e.node.provider.name} · ${label('channel', e.node.channel)}`),
        e.node.description ? h('p', { class: 'mb-0 small' }, e.node.description) : null)))];
  }).catch((err) => region.replaceChildren(errorBox(err)));
}
