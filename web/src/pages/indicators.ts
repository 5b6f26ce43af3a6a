// Indicators of a zone and quarter, as the networks report them (COMMIT, InLav F3.1, SIL §7),
// with the three quarters before for the quarter-on-quarter series: one query per view, four
// aggregate queries of the budget. Every count about people is the published, perturbed one;
// a count or figure not published is marked and said so, never drawn as a zero.
import { h } from '../dom';
import { formatDate, formatNumber, label, lang, needLabel, t } from '../i18n';
import { query } from '../api';
import { IndicatorsViewDocument, type CaseOutcome, type IndicatorFiguresFragment, type IndicatorsViewQuery, type ReferralStatus } from '../gql/graphql';
import type { Page, PageContext } from '../router';
import { into } from '../ui';
import { pickedZone, zonePicker } from '../widgets';
import { COLOURS, barValue, chartFigure, chartJs, count, figure, legend, periodSelect, previousQuarters, show, subnav, table, tick } from '../research';

const PATH = '/research/indicators';

export const page: Page = {
  title: () => t('indicators.title'),
  async render(ctx: PageContext) {
    const q = ctx.query;
    const zone = zonePicker(pickedZone(q), () => {}, t('research.zone'));
    const period = periodSelect(q.get('period'));
    const note = h('p', { class: 'text-danger small', role: 'alert', id: 'indicators-note' });
    const form = h('form', {
      id: 'indicators-form', class: 'row align-items-end',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const z = zone.value();
        if (!z) { note.textContent = t('research.zonePick'); return; }
        show(PATH, { zone: z.id, zn: z.name, period: period.value() });
      },
    },
    h('div', { class: 'col-12 col-md-6' }, zone.el),
    h('div', { class: 'col-12 col-md-3' }, period.el),
    h('div', { class: 'col-12 col-md-3 mb-3' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('research.show'))),
    h('div', { class: 'col-12' }, note));
    const results = h('section', { id: 'indicators', 'aria-live': 'polite' });
    const root = h('div', {}, subnav(PATH), h('h1', {}, t('indicators.title')), h('p', {}, t('indicators.intro')), form, legend(), results);
    const z = pickedZone(q);
    const p = q.get('period');
    if (!z || !p) { results.append(h('p', {}, t('research.choose'))); return root; }
    const [p1, p2, p3] = previousQuarters(p, 3);
    if (!p1) { results.append(h('p', {}, t('research.choose'))); return root; }
    void into(results, async () => {
      const data = await query(IndicatorsViewDocument, { zone: z.id, period: p, p1, p2, p3 });
      results.dataset.period = p;
      return view(data);
    });
    return root;
  },
};

type Current = IndicatorsViewQuery['current'];

// The breakdowns list only the values published above zero; the page shows every outcome and
// status, those the API left out marked as below the threshold (none, or too few).
const OUTCOMES: CaseOutcome[] = ['INCLUDED', 'TRANSFERRED', 'DROPPED_OUT', 'OTHER'];
const STATUSES: ReferralStatus[] = ['SENT', 'RECEIVED', 'ACCEPTED', 'ON_HOLD', 'REFUSED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'];

function every(keys: readonly string[], items: readonly { key: string; count: number }[]): { key: string; count: number }[] {
  const by = new Map(items.map((b) => [b.key, b.count]));
  return [...keys.map((key) => ({ key, count: by.get(key) ?? 0 })), ...items.filter((b) => !keys.includes(b.key))];
}

function view(data: IndicatorsViewQuery): Node[] {
  const c = data.current;
  const categories = new Map<string, string>();
  for (const top of data.serviceCategories) {
    categories.set(top.code, lang() === 'it' ? top.labelIt : top.labelEn);
    for (const n of top.narrower) categories.set(n.code, lang() === 'it' ? n.labelIt : n.labelEn);
  }
  const series = [data.q3, data.q2, data.q1, c];
  return [
    h('h2', { class: 'h3', id: 'indicators-heading' }, t('indicators.of', { zone: c.zone.name, period: c.period })),
    headline(c),
    h('div', { class: 'row' },
      h('div', { class: 'col-12 col-lg-6' }, breakdownChart('outcomes', t('indicators.outcomes'), every(OUTCOMES, c.outcomes), (k) => label('outcome', k))),
      h('div', { class: 'col-12 col-lg-6' }, breakdownChart('referrals', t('indicators.referrals'), every(STATUSES, c.referrals), (k) => label('referral', k)))),
    breakdownChart('interventions', t('indicators.interventions'), c.interventionsByCategory, (k) => categories.get(k) ?? k),
    shelterChart(c),
    needsWithout(c),
    h('h2', { class: 'h3 mt-4' }, t('indicators.series')),
    seriesChart(series),
  ];
}

// headline lists the single figures of the quarter.
function headline(c: Current): HTMLElement {
  const item = (key: string, text: string, value: HTMLElement): HTMLElement =>
    h('div', { class: 'col-6 col-md-4 col-lg-3 mb-3' }, h('div', { class: 'card result-card h-100', 'data-indicator': key },
      h('div', { class: 'card-body' }, h('p', { class: 'small mb-1' }, text), h('p', { class: 'fs-4 mb-0 fw-semibold' }, value))));
  return h('div', { class: 'row', id: 'indicators-headline' },
    item('casesOpened', t('indicators.casesOpened'), count(c.casesOpened)),
    item('casesInCharge', t('indicators.casesInCharge'), count(c.casesInCharge)),
    item('casesClosed', t('indicators.casesClosed'), count(c.casesClosed)),
    item('overdueCases', t('indicators.overdue'), count(c.overdueCases)),
    item('acceptanceRate', t('indicators.acceptance'), figure(c.acceptanceRate, 'rate')),
    item('medianDaysToTakingCharge', t('indicators.takingCharge'), figure(c.medianDaysToTakingCharge, 'days')),
    item('shelterPlacesFree', t('indicators.shelterFree'), h('span', {}, t('indicators.placesOf', { free: formatNumber(c.shelterPlacesFree), capacity: formatNumber(c.shelterCapacity) }))));
}

// breakdownChart draws a breakdown of published counts as bars; a withheld count has no bar
// and its label carries the mark.
function breakdownChart(name: string, title: string, items: readonly { key: string; count: number }[], labelOf: (k: string) => string): HTMLElement {
  if (items.length === 0) return h('figure', { class: 'mb-4', 'data-chart': name }, h('figcaption', { class: 'h5' }, title), h('p', {}, t('research.nothing')));
  const data = table(title, [t('research.item'), t('research.count')], items.map((b) => [labelOf(b.key), count(b.count)]), { 'data-table': name }, items.map((b) => b.key));
  return chartFigure(name, title, data, async (canvas) => {
    const { Chart } = await chartJs();
    return new Chart(canvas, {
      type: 'bar',
      data: {
        labels: items.map((b) => tick(labelOf(b.key), b.count === 0)),
        datasets: [{ label: t('research.count'), data: items.map((b) => barValue(b.count)), backgroundColor: COLOURS[0] }],
      },
      options: { indexAxis: 'y', animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
}

// shelterChart draws the free places in emergency shelters at the end of each week: the
// directory's figures, exact.
function shelterChart(c: Current): HTMLElement {
  const title = t('indicators.shelterOverTime');
  const points = c.shelterPlacesOverTime;
  if (points.length === 0) return h('figure', { class: 'mb-4', 'data-chart': 'shelter' }, h('figcaption', { class: 'h5' }, title), h('p', {}, t('research.nothing')));
  const data = table(title, [t('indicators.week'), t('indicators.free'), t('indicators.capacity')],
    points.map((p) => [formatDate(p.at), formatNumber(p.free), formatNumber(p.capacity)]), { 'data-table': 'shelter' });
  return chartFigure('shelter', title, data, async (canvas) => {
    const { Chart } = await chartJs();
    return new Chart(canvas, {
      type: 'line',
      data: {
        labels: points.map((p) => formatDate(p.at)),
        datasets: [
          { label: t('indicators.free'), data: points.map((p) => p.free), borderColor: COLOURS[1], backgroundColor: COLOURS[1] },
          { label: t('indicators.capacity'), data: points.map((p) => p.capacity), borderColor: COLOURS[4], backgroundColor: COLOURS[4], borderDash: [6, 4] },
        ],
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
}

function needsWithout(c: Current): HTMLElement {
  return h('section', { class: 'mb-4', id: 'needs-without-service' },
    h('h3', { class: 'h5' }, t('indicators.needsWithout')),
    c.needsWithoutService.length === 0
      ? h('p', {}, t('indicators.needsAllCovered'))
      : h('ul', {}, c.needsWithoutService.map((n) => h('li', { 'data-need': n.code }, needLabel(n)))));
}

// seriesChart draws the quarter-on-quarter series of cases opened, in charge and closed (and
// lists the acceptance rate); withheld points are gaps, listed in the table with the mark.
function seriesChart(series: readonly IndicatorFiguresFragment[]): HTMLElement {
  const lines: { key: string; text: string; value: (f: IndicatorFiguresFragment) => number }[] = [
    { key: 'casesOpened', text: t('indicators.casesOpened'), value: (f) => f.casesOpened },
    { key: 'casesInCharge', text: t('indicators.casesInCharge'), value: (f) => f.casesInCharge },
    { key: 'casesClosed', text: t('indicators.casesClosed'), value: (f) => f.casesClosed },
  ];
  const title = t('indicators.seriesTitle');
  const data = table(title, [t('research.period'), ...lines.map((l) => l.text), t('indicators.acceptance')],
    series.map((f) => [f.period, ...lines.map((l) => count(l.value(f))), figure(f.acceptanceRate, 'rate')]), { 'data-table': 'series' }, series.map((f) => f.period));
  return chartFigure('series', title, data, async (canvas) => {
    const { Chart } = await chartJs();
    return new Chart(canvas, {
      type: 'line',
      data: {
        labels: series.map((f) => f.period),
        datasets: lines.map((l, i) => ({ label: l.text, data: series.map((f) => barValue(l.value(f))), borderColor: COLOURS[i], backgroundColor: COLOURS[i], spanGaps: false })),
      },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  });
}
