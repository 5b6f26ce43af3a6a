// Coverage: the matrix of needs by zones of a territory as an accessible heat map (a table whose
// cells say their state in colour, symbol and words, with a legend), the services behind a
// cell, the gaps by kind, and the matrix as a CSV file from GET /export/coverage.csv, fetched
// with the session's token and saved as a download.
import './coverage.css';
import { h, uid } from '../dom';
import { formatNumber, label, needLabel, t } from '../i18n';
import { ApiError, query } from '../api';
import { CoverageCellServicesDocument, CoverageMatrixDocument, type CoverageMatrixQuery, type ZoneKind } from '../gql/graphql';
import { type Page, type PageContext } from '../router';
import { session } from '../session';
import { errorBox, into, success } from '../ui';
import { pickedZone, zoneForm, type Picked } from '../widgets';

type Matrix = CoverageMatrixQuery['coverage'];
type Cell = Matrix['cells'][number];
type State = 'full' | 'partial' | 'none';

const LEVELS: ZoneKind[] = ['PROVINCE', 'SOCIAL_DISTRICT', 'MUNICIPALITY'];
const SYMBOL: Record<State, string> = { full: '●', partial: '◐', none: '✕' };
const GAP_KINDS = ['NONE', 'PARTIAL_ONLY', 'SINGLE_SERVICE', 'STALE_ONLY'] as const;

export function cellState(c: Pick<Cell, 'full' | 'partial'>): State {
  if (c.full > 0) return 'full';
  if (c.partial > 0) return 'partial';
  return 'none';
}

export const page: Page = {
  title: () => t('matrix.title'),
  async render(ctx: PageContext) {
    const initial = pickedZone(ctx.query, 'name');
    const level = (ctx.query.get('level') ?? 'MUNICIPALITY') as ZoneKind | '';
    const levelId = uid('level');
    const levelSelect = h('select', { id: levelId, class: 'form-select', name: 'level' },
      h('option', { value: '', selected: level === '' }, t('matrix.levelSelf')),
      LEVELS.map((l) => h('option', { value: l, selected: level === l }, label('zoneKind', l))));
    const form = zoneForm({
      name: 'coverage', initial,
      text: { zone: t('matrix.zone'), pick: t('matrix.pickZone'), show: t('matrix.show') },
      cols: { zone: 'col-12 col-md-6', button: 'col-12 col-md-2' },
      fields: [h('div', { class: 'col-12 col-md-4' }, h('label', { for: levelId, class: 'form-label fw-semibold' }, t('matrix.level')), levelSelect)],
      params: (q) => q.set('level', levelSelect.value),
    });
    const results = h('div', { id: 'coverage-results' });
    const root = h('div', {}, h('h1', {}, t('matrix.title')), h('p', {}, t('matrix.intro')), form, results);
    if (initial) {
      const input = { zoneId: initial.id, level: level === '' ? null : level };
      const data = await query(CoverageMatrixDocument, { input });
      results.replaceChildren(...matrixView(data, initial, level));
    }
    return root;
  },
};

function matrixView(data: CoverageMatrixQuery, zone: Picked, level: ZoneKind | ''): HTMLElement[] {
  const cov = data.coverage;
  const byKey = new Map(cov.cells.map((c) => [`${c.zone.id}|${c.need.id}`, c]));
  const detail = h('section', { id: 'coverage-cell', class: 'mt-4', 'aria-live': 'polite' });
  const table = h('table', { id: 'coverage-matrix', class: 'table table-sm coverage-matrix' },
    h('caption', {}, t('matrix.caption', { zone: zone.name })),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('matrix.zoneCol')),
      cov.needs.map((n) => h('th', { scope: 'col', 'data-need': n.id }, needLabel(n))))),
    h('tbody', {}, cov.zones.map((z) => h('tr', { 'data-zone': z.id },
      h('th', { scope: 'row' }, z.name),
      cov.needs.map((n) => {
        const c = byKey.get(`${z.id}|${n.id}`);
        if (!c) return h('td', {});
        return h('td', { class: `cov-${cellState(c)}` }, cellButton(c, z.name, needLabel(n), () => void openCell(detail, c, z, n)));
      })))));
  const download = downloadButton(zone, level);
  return [
    legend(),
    h('div', { class: 'd-flex flex-wrap gap-2 align-items-center mb-2' }, download.button, download.status),
    h('div', { class: 'table-responsive' }, table),
    detail,
    gapsView(data),
  ];
}

function cellButton(c: Cell, zone: string, need: string, open: () => void): HTMLElement {
  const state = cellState(c);
  const sentence = t('matrix.cell', {
    zone, need, state: t(`matrix.state.${state}`), full: formatNumber(c.full), partial: formatNumber(c.partial),
    free: formatNumber(c.withFreePlaces), stale: formatNumber(c.stale),
  });
  return h('button', {
    type: 'button', class: 'cov-cell', onclick: open,
    'data-state': state, 'data-zone': c.zone.id, 'data-need': c.need.id,
    'data-full': c.full, 'data-partial': c.partial, 'data-free': c.withFreePlaces, 'data-stale': c.stale,
  },
  h('span', { 'aria-hidden': 'true' },
    `${SYMBOL[state]} ${c.full}${c.partial ? `+${c.partial}` : ''}`,
    c.withFreePlaces > 0 ? ' ＋' : '',
    c.stale > 0 ? ' !' : ''),
  h('span', { class: 'visually-hidden' }, sentence));
}

function legend(): HTMLElement {
  const item = (cls: string, sym: string, text: string): HTMLElement =>
    h('li', {}, h('span', { class: `cov-swatch ${cls}`, 'aria-hidden': 'true' }, sym), ' ', text);
  return h('section', { class: 'mb-3', 'aria-labelledby': 'coverage-legend' },
    h('h2', { class: 'h6', id: 'coverage-legend' }, t('matrix.legend')),
    h('ul', { class: 'cov-legend', id: 'coverage-legend-list' },
      item('cov-full', SYMBOL.full, t('matrix.state.full')),
      item('cov-partial', SYMBOL.partial, t('matrix.state.partial')),
      item('cov-none', SYMBOL.none, t('matrix.state.none')),
      item('', '＋', t('matrix.mark.free')),
      item('', '!', t('matrix.mark.stale')),
      h('li', {}, h('span', { class: 'cov-swatch', 'aria-hidden': 'true' }, '3+1'), ' ', t('matrix.state.full'), ' / ', t('matrix.state.partial'))));
}

async function openCell(region: HTMLElement, c: Cell, zone: { id: string; name: string }, need: { labelIt: string; labelEn: string }): Promise<void> {
  const heading = h('h2', { class: 'h4', tabindex: '-1' }, t('matrix.services', { need: needLabel(need), zone: zone.name }));
  const list = h('div', {});
  region.replaceChildren(heading, list);
  region.dataset.zone = c.zone.id;
  region.dataset.need = c.need.id;
  await into(list, async () => {
    const data = await query(CoverageCellServicesDocument, { input: { zoneId: c.zone.id, needId: c.need.id } });
    const edges = data.findServices.edges;
    if (edges.length === 0) return h('p', {}, t('matrix.servicesNone'));
    return h('ul', { class: 'list-unstyled', id: 'coverage-cell-services' }, edges.map(({ node: m }) => h('li', {
      class: 'border-bottom py-2', 'data-service': m.service.id, 'data-coverage': m.coverage,
    },
    h('a', { href: `/services/${encodeURIComponent(m.service.id)}`, class: 'fw-semibold' }, m.service.name),
    ' · ', m.service.provider.name, h('br'),
    h('span', { class: `badge ${m.coverage === 'FULL' ? 'bg-success' : 'bg-warning text-dark'}` }, label('coverage', m.coverage)),
    ' ', t('matrix.through', { zone: m.throughZone.name }),
    m.service.capacity != null && m.service.freePlaces != null
      ? h('span', {}, ' · ', t('matrix.free', { free: formatNumber(m.service.freePlaces), capacity: formatNumber(m.service.capacity) }))
      : '',
    m.stale ? h('span', { class: 'badge bg-secondary ms-2' }, t('matrix.stale')) : '')));
  });
  heading.focus();
}

function gapsView(data: CoverageMatrixQuery): HTMLElement {
  const gaps = data.coverageGaps;
  const section = h('section', { id: 'coverage-gaps', class: 'mt-4', 'aria-labelledby': 'coverage-gaps-h' },
    h('h2', { class: 'h4', id: 'coverage-gaps-h' }, t('matrix.gaps')));
  if (gaps.length === 0) { section.append(h('p', {}, t('matrix.gapsNone'))); return section; }
  for (const kind of GAP_KINDS) {
    const mine = gaps.filter((g) => g.kind === kind);
    if (mine.length === 0) continue;
    section.append(h('h3', { class: 'h6 mt-3', 'data-kind': kind }, `${t(`matrix.gap.${kind}`)} (${formatNumber(mine.length)})`),
      h('ul', { 'data-kind': kind }, mine.map((g) => h('li', { 'data-zone': g.zone.id, 'data-need': g.need.id, 'data-kind': g.kind },
        t('matrix.gapItem', { need: needLabel(g.need), zone: g.zone.name })))));
  }
  return section;
}

// downloadButton fetches the matrix as CSV with the session's token and saves it as a file.
function downloadButton(zone: Picked, level: ZoneKind | ''): { button: HTMLElement; status: HTMLElement } {
  const status = h('span', { role: 'status', id: 'coverage-download-status' });
  const button = h('button', {
    type: 'button', class: 'btn btn-outline-primary btn-sm', id: 'coverage-download',
    onclick: async () => {
      status.replaceChildren();
      try {
        const q = new URLSearchParams({ zone: zone.id });
        if (level) q.set('level', level);
        const token = session.token();
        const res = await fetch(`/export/coverage.csv?${q}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
        if (!res.ok) {
          const body = await res.json().catch(() => null) as { errors?: { message: string; extensions?: { code?: string } }[] } | null;
          const e = body?.errors?.[0];
          throw new ApiError(e?.extensions?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : 'NETWORK'), e?.message ?? res.statusText);
        }
        const blob = await res.blob();
        const name = fileName(zone.name, level);
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: name, class: 'd-none' });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
        status.replaceChildren(success(t('matrix.downloaded', { name })));
        status.dataset.file = name;
      } catch (err) {
        status.replaceChildren(errorBox(err));
      }
    },
  }, t('matrix.download'));
  return { button, status };
}

function fileName(zone: string, level: string): string {
  const slug = `copertura-${zone}-${level}`.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug}.csv`;
}
