// The app's entry: reads the server's settings, restores an OIDC sign-in if one is coming back,
// draws the shell and starts the router. Pages are loaded on demand (see routes.ts).
import './styles.css';
import { setLang, lang } from './i18n';
import { shell } from './layout';
import { start } from './router';
import { session, type AppConfig } from './session';
import { registerRoutes } from './routes';

async function boot(): Promise<void> {
  setLang(lang());
  try {
    const res = await fetch('/config.json');
    if (res.ok) session.config = (await res.json()) as AppConfig;
  } catch { /* the defaults: no sign-in */ }
  if (session.config.oidc) {
    const { restore } = await import('./oidc');
    await restore();
  }
  registerRoutes();
  const { root, main, update } = shell();
  document.getElementById('app')!.replaceChildren(root);
  start(main, update);
}

void boot();
