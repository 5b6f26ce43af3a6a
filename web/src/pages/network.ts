// Network: the actors of a zone as a graph drawn by cytoscape.js (loaded by this page only),
// from the API's protected aggregate (networkAnalysis: its ties by layer, its betweenness, its
// components; referralFlows for the actual flows), never from raw referrals. Partnerships,
// designed routes and actual referrals are layers switched on and off; designed routes are
// drawn against the actual ties, so that a coordinator sees where practice leaves the design.
// The same network is in tables beside the graph, for screen readers and keyboard users.
import './network.css';
import type cytoscape from 'cytoscape';
import { h, uid } from '../dom';
import { formatNumber, label, lang, needLabel, t } from '../i18n';
import { query } from '../api';
import { NetworkActorDocument, NetworkFlowsDocument, NetworkGraphDocument, type NetworkGraphQuery, type NetworkLayer } from '../gql/graphql';
import { onLeave, type Page, type PageContext } from '../router';
import { into } from '../ui';
import { pickedZone, zoneForm } from '../widgets';

type Analysis = NetworkGraphQuery['networkAnalysis'];
const LAYERS: NetworkLayer[] = ['PARTNERSHIPS', 'ROUTES', 'REFERRALS'];
type TieKind = 'partnership' | 'routeUsed' | 'routeUnused' | 'offRoute';

// periods offers the whole periods that have ended by the browser's clock: the last eight
// quarters, the last four halves and the last three years (the server says which have ended).
function periods(): string[] {
  const now = new Date();
  const y = now.getFullYear();
  const q = Math.floor(now.getMonth() / 3); // the current quarter, 0-based: not ended
  const out: string[] = [];
  for (let i = 1; i <= 8; i++) {
    const n = y * 4 + q - i;
    out.push(`${Math.floor(n / 4)}-Q${(n % 4) + 1}`);
  }
  const half = Math.floor(now.getMonth() / 6);
  for (let i = 1; i <= 4; i++) {
    const n = y * 2 + half - i;
    out.push(`${Math.floor(n / 2)}-H${(n % 2) + 1}`);
  }
  for (let i = 1; i <= 3; i++) out.push(String(y - i));
  return out;
}

function formatScore(n: number): string {
  return new Intl.NumberFormat(lang() === 'it' ? 'it-IT' : 'en-GB', { maximumFractionDigits: 1 }).format(n);
}

export const page: Page = {
  title: () => t('network.title'),
  async render(ctx: PageContext) {
    const initial = pickedZone(ctx.query, 'name');
    const period = ctx.query.get('period') ?? '';
    const periodId = uid('period');
    const periodSelect = h('select', { id: periodId, class: 'form-select', name: 'period' },
      h('option', { value: '' }, t('network.periodDefault')),
      periods().map((p) => h('option', { value: p, selected: p === period }, p)));
    const form = zoneForm({
      name: 'network', initial,
      text: { zone: t('network.zone'), pick: t('network.pickZone'), show: t('network.show') },
      cols: { zone: 'col-12 col-md-6', button: 'col-12 col-md-3' },
      fields: [h('div', { class: 'col-12 col-md-3' }, h('label', { for: periodId, class: 'form-label fw-semibold' }, t('network.period')), periodSelect)],
      params: (q) => { if (periodSelect.value) q.set('period', periodSelect.value); },
    });
    const root = h('div', {}, h('h1', {}, t('network.title')), h('p', {}, t('network.intro')), form);
    if (!initial) return root;
    const [data, { default: cy }] = await Promise.all([
      query(NetworkGraphDocument, { input: { zoneId: initial.id, period: period || null } }),
      import('cytoscape'),
    ]);
    const n = data.networkAnalysis;
    const flows = await query(NetworkFlowsDocument, { input: { zoneId: initial.id, period: n.period, first: 200 } });
    root.append(...networkView(n, flows.referralFlows, cy));
    return root;
  },
};

interface ActorRow { id: string; name: string; kind: string; betweenness: number; degree: number; component: number; isolated: boolean }

function actorRows(n: Analysis): ActorRow[] {
  const centrality = new Map(n.centrality.map((c) => [c.actor.id, c]));
  const isolated = new Set(n.isolated.map((a) => a.id));
  const rows: ActorRow[] = [];
  n.components.forEach((comp, i) => {
    for (const a of comp.actors) {
      const c = centrality.get(a.id);
      rows.push({ id: a.id, name: a.name, kind: a.kind, betweenness: c?.betweenness ?? 0, degree: c?.degree ?? 0, component: i + 1, isolated: isolated.has(a.id) });
    }
  });
  // The API's order: the strongest bridges first, then by degree, then by name.
  const rank = new Map(n.centrality.map((c, i) => [c.actor.id, i]));
  rows.sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity) || b.degree - a.degree || a.name.localeCompare(b.name));
  return rows;
}

function tieKinds(layers: readonly NetworkLayer[]): TieKind[] {
  const out: TieKind[] = [];
  if (layers.includes('PARTNERSHIPS')) out.push('partnership');
  const route = layers.includes('ROUTES');
  const referral = layers.includes('REFERRALS');
  if (route) out.push(referral ? 'routeUsed' : 'routeUnused');
  if (referral && !route) out.push('offRoute');
  return out;
}

// Which layers a kind of tie belongs to, for the switches.
const KIND_LAYERS: Record<TieKind, NetworkLayer[]> = {
  partnership: ['PARTNERSHIPS'], routeUsed: ['ROUTES', 'REFERRALS'], routeUnused: ['ROUTES'], offRoute: ['REFERRALS'],
};

function networkView(n: Analysis, flows: NetworkFlowsRow[], cytoscape: typeof import('cytoscape')): HTMLElement[] {
  const rows = actorRows(n);
  const names = new Map(rows.map((r) => [r.id, r.name]));
  const max = Math.max(0, ...rows.map((r) => r.betweenness));
  const top = rows[0];
  const detail = h('section', { id: 'network-actor', class: 'mt-4', 'aria-live': 'polite' });
  const shown = new Set<NetworkLayer>(LAYERS);
  const box = h('div', { id: 'network-graph', role: 'img', 'aria-label': t('network.graphLabel') });
  let graph: cytoscape.Core | null = null;

  const linkRows = n.links.flatMap((l) => tieKinds(l.layers).map((kind) => ({ source: l.source.id, target: l.target.id, kind })));
  const linksBody = h('tbody', {}, linkRows.map((l) => h('tr', { 'data-kind': l.kind },
    h('td', {}, names.get(l.source) ?? l.source), h('td', {}, names.get(l.target) ?? l.target),
    h('td', {}, h('span', { class: `tie tie-${l.kind}`, 'aria-hidden': 'true' }), ' ', tieText(l.kind)))));

  // A followed route belongs to both layers: it is shown while either is.
  const visibleKind = (k: TieKind): boolean => KIND_LAYERS[k].some((l) => shown.has(l));
  const applyLayers = (): void => {
    for (const tr of linksBody.querySelectorAll<HTMLTableRowElement>('tr')) tr.hidden = !visibleKind(tr.dataset.kind as TieKind);
    graph?.edges().forEach((e) => { e.style('display', visibleKind(e.data('kind') as TieKind) ? 'element' : 'none'); });
    box.dataset.layers = [...shown].join(',');
  };
  const switches = h('fieldset', { class: 'mb-3', id: 'network-layers' },
    h('legend', { class: 'h6' }, t('network.layers')),
    LAYERS.map((l) => {
      const id = uid('layer');
      return h('div', { class: 'form-check form-check-inline' },
        h('input', {
          class: 'form-check-input', type: 'checkbox', id, value: l, checked: true, 'data-layer': l,
          onchange: (e: Event) => { if ((e.target as HTMLInputElement).checked) shown.add(l); else shown.delete(l); applyLayers(); },
        }),
        h('label', { class: 'form-check-label', for: id }, t(`network.layer.${l}`)));
    }));

  const open = (id: string): void => void openActor(detail, id, n);
  const actorsTable = h('table', { class: 'table table-sm', id: 'network-actors' },
    h('caption', {}, t('network.actors')),
    h('thead', {}, h('tr', {}, [t('network.actor'), t('network.betweenness'), t('network.degree'), t('network.component'), ''].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-actor': r.id, 'data-betweenness': r.betweenness, class: r.isolated ? 'isolated' : null },
      h('th', { scope: 'row' }, r.name, r.isolated ? h('span', { class: 'badge bg-secondary ms-2' }, t('network.isolatedMark')) : ''),
      h('td', {}, formatScore(r.betweenness)), h('td', {}, formatNumber(r.degree)), h('td', {}, formatNumber(r.component)),
      h('td', {}, h('button', { type: 'button', class: 'btn btn-link btn-sm p-0', 'data-open': r.id, onclick: () => open(r.id) }, t('network.open'), h('span', { class: 'visually-hidden' }, `: ${r.name}`)))))));
  const linksTable = h('table', { class: 'table table-sm', id: 'network-links' },
    h('caption', {}, t('network.links')),
    h('thead', {}, h('tr', {}, [t('network.from'), t('network.to'), t('network.tie')].map((x) => h('th', { scope: 'col' }, x)))),
    linksBody);

  requestAnimationFrame(() => {
    graph = cytoscape({
      container: box,
      elements: [
        ...rows.map((r) => ({
          data: { id: r.id, label: r.name, b: r.betweenness },
          classes: [r.isolated ? 'isolated' : '', r.component > 1 && !r.isolated ? 'apart' : ''].join(' ').trim(),
        })),
        ...linkRows.map((l, i) => ({ data: { id: `t${i}`, source: l.source, target: l.target, kind: l.kind }, classes: l.kind })),
      ],
      style: [
        { selector: 'node', style: {
          label: 'data(label)', 'font-size': 9, 'text-wrap': 'ellipsis', 'text-max-width': '110px', 'background-color': '#0066cc',
          width: max > 0 ? `mapData(b, 0, ${max}, 14, 56)` : 18, height: max > 0 ? `mapData(b, 0, ${max}, 14, 56)` : 18,
        } },
        { selector: 'node.isolated', style: { 'background-color': '#ffffff', 'border-width': 2, 'border-style': 'dashed', 'border-color': '#5c6f82' } },
        { selector: 'node.apart', style: { 'border-width': 3, 'border-color': '#b35c00' } },
        { selector: 'node:selected', style: { 'background-color': '#003366' } },
        { selector: 'edge', style: { width: 1, 'curve-style': 'bezier', 'line-color': '#a0a7ad' } },
        { selector: 'edge.routeUsed', style: { width: 3, 'line-color': '#008758', 'target-arrow-shape': 'triangle', 'target-arrow-color': '#008758' } },
        { selector: 'edge.routeUnused', style: { width: 2, 'line-color': '#0066cc', 'line-style': 'dotted' } },
        { selector: 'edge.offRoute', style: { width: 3, 'line-color': '#d9364f', 'line-style': 'dashed' } },
      ],
      layout: { name: 'cose', animate: false, randomize: false },
    });
    graph.on('tap', 'node', (e) => open(e.target.id()));
    onLeave(() => graph?.destroy());
    applyLayers();
    box.dataset.nodes = String(graph.nodes().length);
    box.dataset.edges = String(graph.edges().length);
    box.dataset.ready = 'true';
  });

  const flowsView = flowsTable(flows);
  const summary = h('p', { id: 'network-summary' }, t('network.summary', {
    actors: formatNumber(n.actorCount), ties: formatNumber(n.ties), components: formatNumber(n.components.length),
    isolated: formatNumber(n.isolated.length), period: n.period,
  }), n.betweennessExact ? '' : ` ${t('network.estimated', { n: formatNumber(n.betweennessSources) })}`);
  const topLine = top && top.betweenness > 0
    ? h('p', { id: 'network-top', class: 'lead', 'data-actor': top.id }, t('network.top', { name: top.name, value: formatScore(top.betweenness) }))
    : '';
  return [
    summary,
    topLine || h('span', {}),
    switches,
    h('ul', { class: 'network-legend list-unstyled d-flex flex-wrap gap-3 small', 'aria-label': t('matrix.legend') },
      (['partnership', 'routeUsed', 'routeUnused', 'offRoute'] as TieKind[]).map((k) => h('li', {}, h('span', { class: `tie tie-${k}`, 'aria-hidden': 'true' }), ' ', t(`network.legend.${k}`))),
      h('li', {}, h('span', { class: 'node-mark node-isolated', 'aria-hidden': 'true' }), ' ', t('network.legend.isolated')),
      h('li', {}, h('span', { class: 'node-mark node-apart', 'aria-hidden': 'true' }), ' ', t('network.legend.component'))),
    h('div', { class: 'row g-3' },
      h('div', { class: 'col-12 col-xl-8' }, box),
      h('div', { class: 'col-12 col-xl-4' }, detail)),
    h('div', { class: 'row g-3 mt-2' },
      h('div', { class: 'col-12 col-lg-6 network-table', tabindex: '0', role: 'region', 'aria-label': t('network.actors') }, actorsTable),
      h('div', { class: 'col-12 col-lg-6 network-table', tabindex: '0', role: 'region', 'aria-label': t('network.links') }, linksTable)),
    flowsView,
  ];
}

function tieText(k: TieKind): string {
  return k === 'partnership' ? t('network.layer.PARTNERSHIPS') : t(`network.tie.${k}`);
}

type NetworkFlowsRow = { from: string; fromId?: string | null; to: string; toId?: string | null; sent: number; offRoute: number };

function flowsTable(flows: NetworkFlowsRow[]): HTMLElement {
  const section = h('section', { class: 'mt-4', id: 'network-flows', 'aria-labelledby': 'network-flows-h' },
    h('h2', { class: 'h4', id: 'network-flows-h' }, t('network.flows')));
  if (flows.length === 0) { section.append(h('p', {}, t('network.flowsNone'))); return section; }
  const pct = new Intl.NumberFormat(lang() === 'it' ? 'it-IT' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 });
  section.append(h('table', { class: 'table table-sm' },
    h('thead', {}, h('tr', {}, [t('network.from'), t('network.to'), t('network.sent'), t('network.offRoute'), t('network.offShare')].map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, flows.map((f) => h('tr', { class: f.offRoute > 0 ? 'table-danger' : null, 'data-off': f.offRoute },
      h('td', {}, f.from), h('td', {}, f.to), h('td', {}, formatNumber(f.sent)), h('td', {}, formatNumber(f.offRoute)),
      h('td', {}, f.sent > 0 ? pct.format(f.offRoute / f.sent) : '–'))))));
  return section;
}

async function openActor(region: HTMLElement, id: string, n: Analysis): Promise<void> {
  region.dataset.actor = id;
  await into(region, async () => {
    const data = await query(NetworkActorDocument, { id });
    const a = data.node?.__typename === 'Actor' ? data.node : null;
    if (!a) return h('p', {}, t('error.NOT_FOUND'));
    const c = n.centrality.find((x) => x.actor.id === id);
    const none = (): HTMLElement => h('p', { class: 'small' }, t('network.none'));
    const heading = h('h2', { class: 'h4', tabindex: '-1' }, t('network.detail', { name: a.name }));
    requestAnimationFrame(() => heading.focus());
    return [
      heading,
      h('p', { class: 'small' }, label('actorKind', a.kind),
        c ? ` · ${t('network.betweenness')}: ${formatScore(c.betweenness)} · ${t('network.degree')}: ${formatNumber(c.degree)}` : ''),
      h('h3', { class: 'h6' }, t('network.services'), ` (${formatNumber(a.services.totalCount)})`),
      a.services.edges.length ? h('ul', { id: 'network-actor-services' }, a.services.edges.map((e) => h('li', {},
        h('a', { href: `/services/${encodeURIComponent(e.node.id)}` }, e.node.name), ' · ', label('channel', e.node.channel)))) : none(),
      h('h3', { class: 'h6' }, t('network.partnerships'), ` (${formatNumber(a.partnerships.totalCount)})`),
      a.partnerships.edges.length ? h('ul', { id: 'network-actor-partnerships' }, a.partnerships.edges.map((e) => h('li', {},
        e.node.partnership.title, ' · ', label('memberRole', e.node.role)))) : none(),
      h('h3', { class: 'h6' }, t('network.routes'), ` (${formatNumber(data.nextRoutes.length)})`),
      data.nextRoutes.length ? h('ul', { id: 'network-actor-routes' }, data.nextRoutes.map((r) => {
        const to = r.to.__typename === 'Service' ? `${r.to.name} (${r.to.provider.name})` : r.to.__typename === 'Actor' ? r.to.name : '';
        return h('li', {}, t('network.routeTo', { to }), r.instrument ? ` · ${r.instrument}` : '',
          r.needs.length ? ` · ${r.needs.map((x) => needLabel(x)).join(', ')}` : '');
      })) : none(),
    ];
  });
}
