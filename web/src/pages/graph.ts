// The case's trace as a graph (case, zone, stage, actors, services, referrals), drawn by
// cytoscape.js, which only this page loads; the same links are listed in a table for screen
// readers and keyboard users.
import { h } from '../dom';
import { t } from '../i18n';
import { query } from '../api';
import { CasePageDocument } from '../gql/graphql';
import type { Page, PageContext } from '../router';

let lastCode = '';
const COLOURS: Record<string, string> = { Case: '#0066cc', Zone: '#008758', Stage: '#995c00', Actor: '#5c6f82', Service: '#d9364f', Referral: '#6f42c1' };

export const page: Page = {
  title: () => t('graph.title', { code: lastCode }),
  async render(ctx: PageContext) {
    const [data, { default: cytoscape }] = await Promise.all([query(CasePageDocument, { id: ctx.params.id }), import('cytoscape')]);
    const tr = data.caseTrace;
    lastCode = tr.case.code;
    const labels = new Map(tr.nodes.map((n) => [n.id, n.label]));
    const box = h('div', { id: 'case-graph', role: 'img', 'aria-label': t('graph.legend') });
    const root = h('div', {},
      h('h1', {}, t('graph.title', { code: tr.case.code })),
      h('p', {}, h('a', { href: `/cases/${encodeURIComponent(tr.case.id)}` }, t('case.title', { code: tr.case.code }))),
      h('p', {}, t('graph.legend')),
      box,
      h('h2', { class: 'h4 mt-4' }, t('graph.table')),
      h('table', { class: 'table', id: 'case-graph-table' },
        h('thead', {}, h('tr', {}, [t('graph.from'), t('graph.to'), t('graph.kind')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, tr.edges.map((e) => h('tr', {}, h('td', {}, labels.get(e.from) ?? e.from), h('td', {}, labels.get(e.to) ?? e.to), h('td', {}, e.kind))))));
    const ids = new Set(tr.nodes.map((n) => n.id));
    requestAnimationFrame(() => {
      const cy = cytoscape({
        container: box,
        elements: [
          ...tr.nodes.map((n) => ({ data: { id: n.id, label: n.label, type: n.type } })),
          ...tr.edges.filter((e) => ids.has(e.from) && ids.has(e.to)).map((e, i) => ({ data: { id: `e${i}`, source: e.from, target: e.to, label: e.kind } })),
        ],
        style: [
          { selector: 'node', style: { label: 'data(label)', 'background-color': (n: cytoscape.NodeSingular) => COLOURS[n.data('type') as string] ?? '#5c6f82', 'font-size': 10, 'text-wrap': 'wrap', 'text-max-width': '120px' } },
          { selector: 'edge', style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', label: 'data(label)', 'font-size': 8 } },
        ],
        layout: { name: 'cose', animate: false },
      });
      box.dataset.nodes = String(cy.nodes().length);
      box.dataset.ready = 'true';
    });
    return root;
  },
};
