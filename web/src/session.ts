// Who is signed in. Tokens live in memory only (never in storage): a reload signs out, unless
// the identity provider still has a session. Development servers mint demo identities'
// tokens (/dev/token); production ones sign in with OpenID Connect (oidc.ts).
import type { ViewerQuery } from './gql/graphql';

export type Viewer = ViewerQuery['viewer'];

export interface AppConfig {
  devSignIn: boolean;
  oidc?: { issuer: string; clientId: string };
  // mapTiles is the map's tile URL template (SNODO_MAP_TILES); absent, there is no map.
  mapTiles?: string;
}

type Listener = () => void;

class Session {
  private tokenValue: string | null = null;
  private viewerValue: Viewer | null = null;
  private listeners: Listener[] = [];
  config: AppConfig = { devSignIn: false };
  signOutHook: (() => Promise<void>) | null = null;

  token(): string | null { return this.tokenValue; }
  viewer(): Viewer | null { return this.viewerValue; }
  role(): string { return this.viewerValue?.role ?? 'ANONYMOUS'; }
  signedIn(): boolean { return this.tokenValue !== null; }

  set(token: string | null, viewer: Viewer | null): void {
    this.tokenValue = token;
    this.viewerValue = viewer;
    this.listeners.forEach((l) => l());
  }

  setToken(token: string): void { this.tokenValue = token; }

  onChange(l: Listener): void { this.listeners.push(l); }

  async signOut(): Promise<void> {
    this.set(null, null);
    if (this.signOutHook) await this.signOutHook();
  }
}

export const session = new Session();

export interface DevIdentity { key: string; nameIt: string; nameEn: string; role: string }

export async function devIdentities(): Promise<DevIdentity[]> {
  const res = await fetch('/dev/identities');
  if (!res.ok) throw new Error(`dev identities: ${res.status}`);
  return res.json();
}

export async function devToken(identity: string): Promise<string> {
  const res = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identity }),
  });
  if (!res.ok) throw new Error(`dev token: ${res.status}`);
  const body = (await res.json()) as { token: string };
  return body.token;
}
