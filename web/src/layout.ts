// The shell of every page: Bootstrap Italia's header (slim bar with language and sign-in, the
// brand, the navigation), the main region and the footer.
import { h, icon } from './dom';
import { lang, setLang, t, label } from './i18n';
import { navItems, refresh } from './router';
import { session } from './session';

export function shell(): { root: HTMLElement; main: HTMLElement; update: () => void } {
  const slim = h('div', { class: 'it-header-slim-wrapper' });
  const navbar = h('div', { class: 'it-header-navbar-wrapper' });
  const main = h('main', { id: 'main', class: 'container my-4', tabindex: '-1' });
  const footer = h('footer', { class: 'it-footer' });
  const header = h('header', { class: 'it-header-wrapper' },
    slim,
    h('div', { class: 'it-header-center-wrapper' },
      h('div', { class: 'container' },
        h('div', { class: 'it-header-center-content-wrapper' },
          h('div', { class: 'it-brand-wrapper' },
            h('a', { href: '/' },
              icon('it-pa'),
              h('div', { class: 'it-brand-text' },
                h('div', { class: 'it-brand-title' }, t('app.name')),
                h('div', { class: 'it-brand-tagline d-none d-md-block' }, t('app.tagline')))))))),
    navbar);
  const skip = h('a', { class: 'visually-hidden-focusable', href: '#main' }, t('app.skip'));
  const root = h('div', {}, skip, header, main, footer);

  const update = (): void => {
    const v = session.viewer();
    const langSelect = h('select', { id: 'lang-select', class: 'form-select form-select-sm w-auto', 'aria-label': t('app.language') },
      h('option', { value: 'it', selected: lang() === 'it' }, 'Italiano'),
      h('option', { value: 'en', selected: lang() === 'en' }, 'English'));
    langSelect.addEventListener('change', () => { setLang(langSelect.value as 'it' | 'en'); rebuild(); });
    const who = v
      ? h('div', { class: 'd-flex align-items-center gap-2' },
        h('span', { class: 'text-white small', id: 'signed-in-as' }, t('nav.signedInAs', { name: v.actor?.name ?? label('role', v.role) }), ' · ', label('role', v.role)),
        h('button', { type: 'button', class: 'btn btn-sm btn-outline-light', id: 'sign-out', onclick: () => { void session.signOut().then(() => { history.pushState(null, '', '/'); refresh(); }); } }, t('nav.signOut')))
      : h('a', { class: 'btn btn-sm btn-primary', href: '/signin', id: 'sign-in' }, t('nav.signIn'));
    slim.replaceChildren(h('div', { class: 'container' },
      h('div', { class: 'it-header-slim-wrapper-content d-flex justify-content-between align-items-center' },
        h('span', { class: 'd-lg-block navbar-brand text-white' }, t('app.tagline')),
        h('div', { class: 'it-header-slim-right-zone d-flex align-items-center gap-3' }, langSelect, who))));
    const here = location.pathname;
    navbar.replaceChildren(h('nav', { class: 'navbar navbar-expand has-megamenu', 'aria-label': t('nav.main') },
      h('div', { class: 'container' },
        h('ul', { class: 'navbar-nav flex-wrap' },
          navItems().map((n) => {
            const current = here === n.path || (n.path !== '/' && here.startsWith(n.path + '/'));
            return h('li', { class: 'nav-item' },
              h('a', { class: `nav-link${current ? ' active' : ''}`, href: n.path, 'aria-current': current ? 'page' : null }, h('span', {}, t(n.key))));
          })))));
    footer.replaceChildren(h('div', { class: 'it-footer-main' },
      h('div', { class: 'container py-4' }, h('p', { class: 'mb-0 text-white' }, t('app.footer')))));
    skip.textContent = t('app.skip');
  };
  const rebuild = (): void => { update(); refresh(); };
  session.onChange(update);
  return { root, main, update };
}
