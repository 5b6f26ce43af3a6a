// The app's pages, in the order of the navigation.
import { nav, route } from './router';

const CASE_MANAGERS = ['ADMIN', 'CASE_MANAGER'];
const RECIPIENTS = ['ADMIN', 'CASE_MANAGER', 'SERVICE_OPERATOR'];
const OPERATORS = ['ADMIN', 'COORDINATOR', 'SERVICE_OPERATOR'];
const COORDINATORS = ['ADMIN', 'COORDINATOR'];
// Those who read the protected aggregates (the API's @hasRole on indicators, referralFlows,
// pathwaysTaken, networkAnalysis).
const RESEARCH = ['ADMIN', 'COORDINATOR', 'RESEARCHER'];

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
  route('/admin', () => import('./pages/admin/index'), { roles: COORDINATORS });
  for (const section of ['zones', 'actors', 'services', 'partnerships']) {
    route(`/admin/${section}`, () => import(`./pages/admin/${section}.ts`), { roles: COORDINATORS });
    route(`/admin/${section}/:id`, () => import(`./pages/admin/${section}.ts`), { roles: COORDINATORS });
  }
  route('/admin/routes', () => import('./pages/admin/routes'), { roles: COORDINATORS });
  route('/admin/models', () => import('./pages/admin/models'), { roles: COORDINATORS });
  route('/research', () => import('./pages/indicators'), { roles: RESEARCH });
  route('/research/indicators', () => import('./pages/indicators'), { roles: RESEARCH });
  route('/research/flows', () => import('./pages/flows'), { roles: RESEARCH });
  route('/research/pathways', () => import('./pages/pathways'), { roles: RESEARCH });
  route('/research/reports', () => import('./pages/reports'), { roles: RESEARCH });
  route('/coverage', () => import('./pages/coverage'));
  route('/network', () => import('./pages/network'), { roles: RESEARCH });
  route('/map', () => import('./pages/map'));

  nav('/finder', 'nav.finder');
  nav('/cases', 'nav.cases');
  nav('/inbox', 'nav.inbox');
  nav('/places', 'nav.places');
  nav('/services', 'nav.directory');
  nav('/admin', 'nav.admin');
  nav('/research', 'nav.research');
  nav('/coverage', 'nav.coverage');
  nav('/network', 'nav.network');
  nav('/map', 'nav.map');
}
