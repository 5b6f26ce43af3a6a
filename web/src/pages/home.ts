import { h } from '../dom';
import { t } from '../i18n';
import { navItems, type Page } from '../router';

export const page: Page = {
  title: () => t('home.title'),
  async render() {
    return h('div', {},
      h('h1', {}, t('home.title')),
      h('p', { class: 'lead' }, t('home.text')),
      h('div', { class: 'row g-3' }, navItems().map((n) => h('div', { class: 'col-12 col-md-4' },
        h('div', { class: 'card-wrapper' }, h('div', { class: 'card card-bg' }, h('div', { class: 'card-body' },
          h('h2', { class: 'card-title h5' }, h('a', { href: n.path }, t(n.key))))))))));
  },
};
