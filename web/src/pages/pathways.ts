// Pathways taken through a model: the funnel from first contact to inclusion, stage by stage
// (cases that reached it, the median dwell, the drop-outs), and the most frequent sequences of
// stages and of the kinds of actors referred to. Counts are published, perturbed; sequences
// are listed by the API only when at least the privacy threshold of cases took them.
import { h, uid } from '../dom';
import { label, t } from '../i18n';
import { query } from '../api';
import { PathwaysViewDocument, type PathwaysInput, type PathwaysViewQuery } from '../gql/graphql';
import type { Page, PageContext } from '../router';
import { field, into } from '../ui';
import { pickedZone, zonePicker } from '../widgets';
import { COLOURS, barValue, chartFigure, chartJs, count, figure, legend, pathwayModels, periodSelect, show, subnav, table, tick } from '../research';

const PATH = '/research/pathways';

type Taken = PathwaysViewQuery['pathwaysTaken'];

export const page: Page = {
  title: () => t('pathways.title'),
  async render(ctx: PageContext) {
    const q = ctx.query;
    const models = await pathwayModels();
    const zone = zonePicker(pickedZone(q), () => {}, t('research.zoneOptional'));
    const period = periodSelect(q.get('period'), true);
    const modelId = uid('pmodel');
    const model = h('select', { id: modelId, class: 'form-select', required: true },
      models.pathwayModels.map((m) => h('option', { value: m.id, selected: q.get('model') === m.id }, m.name)));
    const form = h('form', {
      id: 'pathways-form', class: 'row align-items-end',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const z = zone.value();
        show(PATH, { model: model.value, zone: z?.id, zn: z?.name, period: period.value() });
      },
    },
    h('div', { class: 'col-12 col-lg-4' }, field(modelId, t('research.model'), model)),
    h('div', { class: 'col-12 col-md-6 col-lg-4' }, zone.el),
    h('div', { class: 'col-12 col-md-3 col-lg-2' }, period.el),
    h('div', { class: 'col-12 col-md-3 col-lg-2 mb-3' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('research.show'))));
    const results = h('section', { id: 'pathways', 'aria-live': 'polite' });
    const root = h('div', {}, subnav(PATH), h('h1', {}, t('pathways.title')), h('p', {}, t('pathways.intro')), form, legend(), results);
    const p = q.get('period');
    const m = q.get('model');
    if (!p || !m) { results.append(h('p', {}, t('research.choose'))); return root; }
    const input: PathwaysInput = { modelId: m, period: p };
    if (q.get('zone')) input.zoneId = q.get('zone');
    void into(results, async () => {
      const data = await query(PathwaysViewDocument, { input });
      results.dataset.period = p;
      return view(data.pathwaysTaken, models.pathwayModels.find((x) => x.id === m)?.name ?? '');
    });
    return root;
  },
};

function view(taken: Taken, modelName: string): Node[] {
  const stages = [...taken.stages].sort((a, b) => a.stage.position - b.stage.position);
  const name = (s: { code: string; name: string }): string => `${s.code} ${s.name}`;
  const stageNames = new Map(stages.map((s) => [s.stage.code, name(s.stage)]));
  const title = t('pathways.funnel');
  const data = table(title, [t('pathways.stage'), t('pathways.reached'), t('pathways.dwell'), t('pathways.dropOuts')],
    stages.map((s) => [name(s.stage), count(s.reached), figure(s.medianDwellDays, 'days'), count(s.dropOuts)]), { 'data-table': 'funnel' }, stages.map((s) => s.stage.code));
  return [
    h('h2', { class: 'h3' }, t('pathways.of', { model: modelName })),
    h('p', { class: 'fs-5', id: 'pathways-cases' }, t('pathways.cases'), ' ', count(taken.cases)),
    chartFigure('funnel', title, data, async (canvas) => {
      const { Chart } = await chartJs();
      return new Chart(canvas, {
        type: 'bar',
        data: {
          labels: stages.map((s) => tick(name(s.stage), s.reached === 0)),
          datasets: [
            { label: t('pathways.reached'), data: stages.map((s) => barValue(s.reached)), backgroundColor: COLOURS[0] },
            { label: t('pathways.dropOuts'), data: stages.map((s) => barValue(s.dropOuts)), backgroundColor: COLOURS[3] },
          ],
        },
        options: { indexAxis: 'y', animation: false, maintainAspectRatio: false, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
      });
    }),
    sequences('stage-sequences', t('pathways.stageSequences'), taken.stageSequences, (s) => s, (steps) => steps.map((s) => stageNames.get(s) ?? s).join(' → ')),
    sequences('kind-sequences', t('pathways.kindSequences'), taken.actorKindSequences, (s) => label('actorKind', s), () => ''),
  ];
}

// sequences lists the most frequent sequences, each step by its short name (a stage's code), the
// whole sequence spelt out in its title.
function sequences(id: string, title: string, items: Taken['stageSequences'], step: (s: string) => string, spelt: (steps: readonly string[]) => string): HTMLElement {
  return h('section', { class: 'mb-4', id },
    h('h3', { class: 'h5' }, title),
    items.length === 0
      ? h('p', {}, t('pathways.noSequences'))
      : table(title, [t('pathways.sequence'), t('pathways.casesTook')], items.map((s) => [h('span', { title: spelt(s.steps) || null }, s.steps.map(step).join(' → ')), count(s.cases)])));
}
