// Signing in: in development, a list of the demo network's identities (the server mints their
// tokens); in production, OpenID Connect with PKCE (oidc.ts).
import { h } from '../dom';
import { lang, t } from '../i18n';
import { go, type Page } from '../router';
import { devIdentities, devToken, session } from '../session';
import { query } from '../api';
import { ViewerDocument } from '../gql/graphql';
import { errorBox } from '../ui';

// signInWith makes a token the session's, after asking the API who it names.
export async function signInWith(token: string): Promise<void> {
  session.setToken(token);
  const data = await query(ViewerDocument, {});
  session.set(token, data.viewer);
}

function nextPath(q: URLSearchParams): string {
  const next = q.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export const page: Page = {
  title: () => t('signin.title'),
  async render(ctx) {
    const box = h('div', {});
    const root = h('div', {}, h('h1', {}, t('signin.title')), box);
    const next = nextPath(ctx.query);
    if (session.config.devSignIn) {
      const ids = await devIdentities();
      box.append(h('p', {}, t('signin.dev')),
        h('ul', { class: 'list-unstyled', id: 'dev-identities' }, ids.map((id) => h('li', { class: 'mb-2' },
          h('button', {
            type: 'button', class: 'btn btn-outline-primary', 'data-identity': id.key,
            onclick: async (e: Event) => {
              (e.currentTarget as HTMLButtonElement).disabled = true;
              try {
                await signInWith(await devToken(id.key));
                go(next, true);
              } catch (err) {
                box.prepend(errorBox(err));
              }
            },
          }, `${t('signin.as')}: ${lang() === 'it' ? id.nameIt : id.nameEn}`)))));
    }
    if (session.config.oidc) {
      box.append(h('button', {
        type: 'button', class: 'btn btn-primary', id: 'oidc-sign-in',
        onclick: async () => { const { signIn } = await import('../oidc'); await signIn(next); },
      }, t('signin.oidc')));
    }
    if (!session.config.devSignIn && !session.config.oidc) box.append(h('p', {}, t('signin.none')));
    return root;
  },
};
