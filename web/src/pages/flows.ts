// Flows of referrals between actors or actor kinds in a closed period, filtered by zone, need
// and pathway model, as a Sankey diagram (chartjs-chart-sankey) and a table; the off-route
// share of the flows listed. Only flows of at least the privacy threshold of referrals are
// listed by the API, their counts perturbed.
import { h, uid } from '../dom';
import { formatNumber, label, lang, needLabel, t } from '../i18n';
import { query } from '../api';
import { FlowsViewDocument, type FlowsInput, type FlowsViewQuery } from '../gql/graphql';
import type { Page, PageContext } from '../router';
import { field, into } from '../ui';
import { needTree, pickedZone, zonePicker } from '../widgets';
import { COLOURS, chartFigure, chartJs, count, figure, legend, pathwayModels, periodSelect, show, subnav, table, withheldMark } from '../research';

const PATH = '/research/flows';

type Flow = FlowsViewQuery['referralFlows'][number];

export const page: Page = {
  title: () => t('flows.title'),
  async render(ctx: PageContext) {
    const q = ctx.query;
    const [models, tree] = await Promise.all([pathwayModels(), needTree()]);
    const zone = zonePicker(pickedZone(q), () => {}, t('research.zoneOptional'));
    const period = periodSelect(q.get('period'), true);
    const needId = uid('fneed');
    const need = h('select', { id: needId, class: 'form-select' }, h('option', { value: '' }, t('research.any')),
      tree.needTree.flatMap((n) => [n, ...n.narrower]).map((n) => h('option', { value: n.id, selected: q.get('need') === n.id }, needLabel(n))));
    const modelId = uid('fmodel');
    const model = h('select', { id: modelId, class: 'form-select' }, h('option', { value: '' }, t('research.any')),
      models.pathwayModels.map((m) => h('option', { value: m.id, selected: q.get('model') === m.id }, m.name)));
    const byKindId = uid('bykind');
    const byKind = h('input', { id: byKindId, type: 'checkbox', class: 'form-check-input', checked: q.get('kind') === '1' });
    const form = h('form', {
      id: 'flows-form', class: 'row align-items-end',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const z = zone.value();
        show(PATH, { zone: z?.id, zn: z?.name, period: period.value(), need: need.value, model: model.value, kind: byKind.checked ? '1' : null });
      },
    },
    h('div', { class: 'col-12 col-md-6 col-lg-4' }, zone.el),
    h('div', { class: 'col-12 col-md-6 col-lg-2' }, period.el),
    h('div', { class: 'col-12 col-md-6 col-lg-3' }, field(needId, t('research.need'), need)),
    h('div', { class: 'col-12 col-md-6 col-lg-3' }, field(modelId, t('research.model'), model)),
    h('div', { class: 'col-12 col-md-6 mb-3' }, h('div', { class: 'form-check' }, byKind, h('label', { for: byKindId, class: 'form-check-label' }, t('flows.byKind')))),
    h('div', { class: 'col-12 col-md-6 mb-3 text-md-end' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('research.show'))));
    const results = h('section', { id: 'flows', 'aria-live': 'polite' });
    const root = h('div', {}, subnav(PATH), h('h1', {}, t('flows.title')), h('p', {}, t('flows.intro')), form, legend(), results);
    const p = q.get('period');
    if (!p) { results.append(h('p', {}, t('research.choose'))); return root; }
    const input: FlowsInput = { period: p, byActorKind: q.get('kind') === '1', first: 50 };
    if (q.get('zone')) input.zoneId = q.get('zone');
    if (q.get('need')) input.needId = q.get('need');
    if (q.get('model')) input.modelId = q.get('model');
    void into(results, async () => {
      const data = await query(FlowsViewDocument, { input });
      results.dataset.period = p;
      return view(data.referralFlows, input.byActorKind === true);
    });
    return root;
  },
};

function view(flows: readonly Flow[], byKind: boolean): Node[] {
  if (flows.length === 0) return [h('p', { id: 'flows-none' }, t('flows.none'))];
  const name = (s: string): string => (byKind ? label('actorKind', s) : s);
  const sent = flows.reduce((s, f) => s + f.sent, 0);
  const off = flows.reduce((s, f) => s + f.offRoute, 0);
  // The share is computed from the published counts of the flows listed, as the API computes
  // its rates: nothing finer than what is published.
  const share = sent > 0
    ? h('span', { 'data-figure': String(off / sent) }, new Intl.NumberFormat(lang() === 'en' ? 'en-GB' : 'it-IT', { style: 'percent', maximumFractionDigits: 0 }).format(off / sent))
    : withheldMark('TOO_FEW');
  const title = t('flows.chart');
  const data = table(t('flows.table'),
    [t('flows.from'), t('flows.to'), t('flows.sent'), t('flows.accepted'), t('flows.refused'), t('flows.completed'), t('flows.offRoute'), t('flows.acceptance'), t('flows.medianAccept'), t('flows.p90Accept')],
    flows.map((f) => [name(f.from), name(f.to), count(f.sent), count(f.accepted), count(f.refused), count(f.completed), count(f.offRoute),
      figure(f.acceptanceRate, 'rate'), figure(f.medianDaysToAccept, 'days'), figure(f.p90DaysToAccept, 'days')]), { 'data-table': 'flows' });
  return [
    h('p', { class: 'fs-5', id: 'off-route-share' }, t('flows.offRouteShare'), ' ', share, ' ',
      h('small', { class: 'text-muted' }, t('flows.offRouteOf', { off: formatNumber(off), sent: formatNumber(sent), n: formatNumber(flows.length) }))),
    chartFigure('sankey', title, data, async (canvas) => {
      const [{ Chart }, { SankeyController, Flow: FlowElement }] = await Promise.all([chartJs(), import('chartjs-chart-sankey')]);
      Chart.register(SankeyController, FlowElement);
      // Senders and recipients are nodes of their own (a kind may both send and receive).
      const labels: Record<string, string> = {};
      const rows = flows.filter((f) => f.sent > 0).map((f) => {
        const from = `s:${f.fromId ?? f.from}`;
        const to = `r:${f.toId ?? f.to}`;
        labels[from] = name(f.from);
        labels[to] = name(f.to);
        return { from, to, flow: f.sent };
      });
      const colourOf = new Map<string, string>();
      const colour = (k: string): string => {
        if (!colourOf.has(k)) colourOf.set(k, COLOURS[colourOf.size % COLOURS.length]);
        return colourOf.get(k)!;
      };
      return new Chart(canvas, {
        type: 'sankey',
        data: { datasets: [{ label: title, data: rows, labels, colorFrom: (c) => colour((c.raw as { from: string }).from), colorTo: (c) => colour((c.raw as { to: string }).to), colorMode: 'gradient', size: 'max' }] },
        options: { animation: false, maintainAspectRatio: false },
      });
    }),
  ];
}
