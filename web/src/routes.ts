// The app's pages, in the order of the navigation.
import { nav, route } from './router';

const CASE_MANAGERS = ['ADMIN', 'CASE_MANAGER'];
const RECIPIENTS = ['ADMIN', 'CASE_MANAGER', 'SERVICE_OPERATOR'];
const OPERATORS = ['ADMIN', 'COORDINATOR', 'SERVICE_OPERATOR'];
// The network's pages read protected aggregates (networkAnalysis, referralFlows): their roles.
const NETWORK_READERS = ['ADMIN', 'COORDINATOR', 'RESEARCHER'];

export function registerRoutes(): void {
  route('/', () => import('./pages/home'));
  route('/signin', () => import('./pages/signin'));
  route('/signin/callback', () => import('./pages/signin'));
  route('/finder', () => import('./pages/finder'));
  route('/cases', () => import('./pages/cases'), { roles: CASE_MANAGERS });
  route('/cases/:id', () => import('./pages/case'), { roles: CASE_MANAGERS });
  route('/cases/:id/graph', () => import('./pages/graph'), { roles: CASE_MANAGERS });
  route('/inbox', () => import('./pages/inbox'), { roles: RECIPIENTS });
  route('/places', () => import('./pages/places'), { roles: OPERATORS });
  route('/services', () => import('./pages/directory'));
  route('/services/:id', () => import('./pages/service'));
  route('/coverage', () => import('./pages/coverage'));
  route('/network', () => import('./pages/network'), { roles: NETWORK_READERS });
  route('/map', () => import('./pages/map'));

  nav('/finder', 'nav.finder');
  nav('/cases', 'nav.cases');
  nav('/inbox', 'nav.inbox');
  nav('/places', 'nav.places');
  nav('/services', 'nav.directory');
  nav('/coverage', 'nav.coverage');
  nav('/network', 'nav.network');
  nav('/map', 'nav.map');
}
