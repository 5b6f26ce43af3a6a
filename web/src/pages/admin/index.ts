// Directory: the coordinators' entry. The sections, and the active partnerships that end
// within EXPIRING_DAYS (by the API's Partnership.ending), soonest first.
import { h } from '../../dom';
import { formatDate, label, t } from '../../i18n';
import { query } from '../../api';
import { AdminPartnershipsDocument } from '../../gql/graphql';
import type { Page } from '../../router';
import { into } from '../../ui';
import { EXPIRING_DAYS, SECTIONS, layout } from './parts';

export const page: Page = {
  title: () => t('admin.title'),
  async render() {
    const soon = h('section', { id: 'expiring', 'aria-labelledby': 'expiring-h', class: 'mt-4' });
    void into(soon, async () => {
      const d = await query(AdminPartnershipsDocument, { filter: { statuses: ['ACTIVE'] }, orderBy: { field: 'END_DATE' }, withinDays: EXPIRING_DAYS });
      const ending = d.partnerships.edges.map((e) => e.node).filter((p) => p.ending);
      return [h('h2', { id: 'expiring-h', class: 'h4' }, t('admin.expiringTitle', { days: EXPIRING_DAYS })),
        ending.length === 0 ? h('p', {}, t('admin.noneExpiring')) : h('ul', {}, ending.map((p) => h('li', { 'data-partnership': p.id },
          h('a', { href: `/admin/partnerships/${encodeURIComponent(p.id)}` }, p.title), ` · ${label('partnershipKind', p.kind)} · `,
          h('span', { class: 'badge bg-warning text-dark', 'data-expiring': 'true' }, t('admin.endsOn', { date: formatDate(p.endDate) })))))];
    });
    return layout('/admin', t('admin.title'), h('p', {}, t('admin.intro')),
      h('ul', { class: 'list-unstyled row g-3' }, SECTIONS.map((s) => h('li', { class: 'col-12 col-md-4' },
        h('a', { class: 'btn btn-outline-primary w-100', href: s.path }, t(s.key))))), soon);
  },
};
