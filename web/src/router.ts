// Client-side routes: each page is a module loaded when first visited, so the initial bundle
// holds only the shell (and cytoscape only the case graph's page).
import { h } from './dom';
import { t } from './i18n';
import type { MessageKey } from './i18n/it';
import { session } from './session';

export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Page {
  // title is the page's heading and the document's title.
  title(ctx: PageContext): string;
  render(ctx: PageContext): Promise<HTMLElement>;
}

interface Route {
  pattern: RegExp;
  keys: string[];
  load: () => Promise<{ page: Page }>;
  // roles may see the page; none means anyone, signed in or not.
  roles?: string[];
  nav?: MessageKey;
}

const routes: Route[] = [];

export function route(path: string, load: Route['load'], opts: { roles?: string[]; nav?: MessageKey } = {}): void {
  const keys: string[] = [];
  const pattern = new RegExp('^' + path.replace(/:(\w+)/g, (_, k: string) => { keys.push(k); return '([^/]+)'; }) + '/?$');
  routes.push({ pattern, keys, load, ...opts });
}

export function navItems(): { path: string; key: MessageKey }[] {
  return navPaths.filter((n) => {
    const r = routes.find((x) => x.pattern.test(n.path));
    return r && (!r.roles || r.roles.includes(session.role()));
  });
}
const navPaths: { path: string; key: MessageKey }[] = [];
export function nav(path: string, key: MessageKey): void { navPaths.push({ path, key }); }

let outlet: HTMLElement;
let onNavigate: () => void = () => {};
let seq = 0;

export function start(main: HTMLElement, afterRender: () => void): void {
  outlet = main;
  onNavigate = afterRender;
  window.addEventListener('popstate', () => void render());
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest('a');
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/graphql') || url.pathname.startsWith('/graphiql')) return;
    e.preventDefault();
    go(url.pathname + url.search + url.hash);
  });
  void render();
}

export function go(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  void render();
}

export function refresh(): void { void render(); }

// leaving are what the shown page asked to run when it is replaced (a live subscription to
// close, say); onLeave adds one.
let leaving: (() => void)[] = [];
export function onLeave(fn: () => void): void { leaving.push(fn); }

async function render(): Promise<void> {
  const mine = ++seq;
  for (const fn of leaving.splice(0)) fn();
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  let found: Route | undefined;
  const params: Record<string, string> = {};
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (m) {
      found = r;
      r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      break;
    }
  }
  outlet.setAttribute('aria-busy', 'true');
  let content: HTMLElement;
  let title = t('app.notFound');
  if (!found) {
    content = h('div', {}, h('h1', { tabindex: '-1' }, title), h('p', {}, t('app.notFoundText')), h('a', { href: '/' }, t('app.backHome')));
  } else if (found.roles && !found.roles.includes(session.role())) {
    const next = encodeURIComponent(path + location.search);
    title = t('signin.title');
    content = h('div', {}, h('h1', { tabindex: '-1' }, title), h('p', {}, t('signin.required')), h('a', { class: 'btn btn-primary', href: `/signin?next=${next}` }, t('nav.signIn')));
  } else {
    const ctx = { params, query };
    const { page } = await found.load();
    if (mine !== seq) return;
    try {
      content = await page.render(ctx);
      title = page.title(ctx);
    } catch (err) {
      const { errorBox } = await import('./ui');
      content = h('div', {}, h('h1', { tabindex: '-1' }, page.title(ctx)), errorBox(err));
      title = page.title(ctx);
    }
  }
  if (mine !== seq) return;
  outlet.replaceChildren(content);
  outlet.removeAttribute('aria-busy');
  document.title = `${title} · ${t('app.name')}`;
  onNavigate();
  const h1 = outlet.querySelector('h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: false }); }
}
