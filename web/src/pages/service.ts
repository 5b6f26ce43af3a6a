// A service's page, laid out like an Italian public service page: who it is for, how to access
// it, what is needed, hours, where, contacts. What the API withholds (a confidential shelter's
// address and places) is simply absent, and the page says the address is confidential.
import { h } from '../dom';
import { formatDate, formatDateTime, formatNumber, label, lang, needLabel, t } from '../i18n';
import { query } from '../api';
import { ServicePageDocument, type ServicePageQuery } from '../gql/graphql';
import type { Page, PageContext } from '../router';

type Svc = Extract<NonNullable<ServicePageQuery['node']>, { __typename: 'Service' }>;

let lastTitle = '';

export const page: Page = {
  title: () => lastTitle || t('directory.title'),
  async render(ctx: PageContext) {
    const data = await query(ServicePageDocument, { id: ctx.params.id });
    const s: Svc | null = data.node?.__typename === 'Service' ? data.node : null;
    if (!s) {
      lastTitle = t('app.notFound');
      return h('div', {}, h('h1', {}, lastTitle), h('p', {}, t('app.notFoundText')));
    }
    lastTitle = s.name;
    const names = new Intl.DisplayNames([lang()], { type: 'language' });
    const section = (id: string, title: string, ...body: (Node | string | null)[]): HTMLElement =>
      h('section', { id, class: 'mb-4', 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h`, class: 'h4' }, title), ...body);
    const ages = s.minAge != null || s.maxAge != null
      ? (s.minAge != null && s.maxAge != null ? t('age.between', { min: s.minAge, max: s.maxAge }) : s.minAge != null ? t('age.from', { min: s.minAge }) : t('age.to', { max: s.maxAge! }))
      : null;
    const contacts = s.provider.contacts;
    return h('article', { 'data-service': s.id },
      h('h1', {}, s.name),
      h('p', { class: 'lead' }, s.description ?? ''),
      h('p', {}, t('service.provider', { name: s.provider.name }), ' · ', label('channel', s.channel)),
      section('for-whom', t('service.forWhom'),
        h('ul', {},
          h('li', {}, s.needs.map(needLabel).join(', ')),
          ages ? h('li', {}, ages) : null,
          h('li', {}, s.legalStatuses.length ? s.legalStatuses.map((l) => label('legal', l)).join(', ') : t('service.anyone')),
          s.languages.length ? h('li', {}, `${t('finder.languagesSpoken')}: ${s.languages.map((l) => names.of(l) ?? l).join(', ')}`) : null)),
      section('how', t('service.how'), h('p', {}, s.accessConditions ?? label('channel', s.channel))),
      section('what', t('service.need'), s.requiredDocuments.length ? h('ul', {}, s.requiredDocuments.map((d) => h('li', {}, d))) : h('p', {}, t('service.noDocuments'))),
      s.openingHours.length ? section('hours', t('service.hours'), h('ul', {}, s.openingHours.map((o) => h('li', {}, `${label('day', o.day)} ${o.opens}–${o.closes}`)))) : null,
      section('where', t('service.where'),
        h('p', {}, s.zones.map((z) => z.name).join(', ')),
        contacts.address ? h('p', { 'data-address': 'true' }, contacts.address) : h('p', { class: 'text-muted', 'data-address': 'withheld' }, t('service.confidential')),
        s.capacity != null && s.freePlaces != null ? h('p', { 'data-places': String(s.freePlaces) }, t('finder.places', { free: formatNumber(s.freePlaces), capacity: formatNumber(s.capacity) }), s.placesUpdatedAt ? ` · ${formatDateTime(s.placesUpdatedAt)}` : '') : null),
      section('contacts', t('service.contacts'),
        h('ul', {},
          contacts.phone ? h('li', {}, contacts.phone) : null,
          contacts.email ? h('li', {}, h('a', { href: `mailto:${contacts.email}` }, contacts.email)) : null,
          contacts.website ? h('li', {}, h('a', { href: contacts.website, rel: 'noopener' }, contacts.website)) : null)),
      s.lastVerifiedAt ? h('p', { class: 'small text-muted' }, t('service.lastVerified', { date: formatDate(s.lastVerifiedAt) })) : null);
  },
};
