// Production sign-in: OpenID Connect authorization code flow with PKCE, against the provider
// the server names in /config.json. Tokens are kept in memory only and renewed before they
// expire (with the refresh token when the provider gives one).
import { UserManager, WebStorageStateStore, InMemoryWebStorage, type User } from 'oidc-client-ts';
import { session } from './session';
import { signInWith } from './pages/signin';

let manager: UserManager | null = null;

function userManager(): UserManager {
  if (manager) return manager;
  const cfg = session.config.oidc!;
  manager = new UserManager({
    authority: cfg.issuer,
    client_id: cfg.clientId,
    redirect_uri: `${location.origin}/signin/callback`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: 'code',
    scope: 'openid profile',
    // The user (and its tokens) in memory; the PKCE verifier and state survive the redirect in
    // sessionStorage, as the flow needs, and are removed once used.
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
  });
  manager.events.addUserLoaded((u: User) => { void signInWith(u.access_token); });
  manager.events.addAccessTokenExpired(() => session.set(null, null));
  session.signOutHook = async () => { await manager?.removeUser(); };
  return manager;
}

export async function signIn(next: string): Promise<void> {
  await userManager().signinRedirect({ state: next });
}

// restore finishes a sign-in coming back from the provider to /signin/callback.
export async function restore(): Promise<void> {
  if (location.pathname !== '/signin/callback' || !new URLSearchParams(location.search).has('code')) return;
  const user = await userManager().signinRedirectCallback();
  await signInWith(user.access_token);
  const next = typeof user.state === 'string' && user.state.startsWith('/') ? user.state : '/';
  history.replaceState(null, '', next);
}
