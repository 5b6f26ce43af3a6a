// What the researchers' and monitoring staff's pages share: the sub-navigation, the period
// choice (whole closed periods, as the API takes them), how a figure the disclosure layer did
// not publish is shown (a mark and words, never a zero), and charts drawn by Chart.js, loaded
// only by these pages, each with a data table as its text alternative.
import { h, uid } from './dom';
import { formatNumber, lang, t } from './i18n';
import type { MessageKey } from './i18n/it';
import { go } from './router';
import { query } from './api';
import { PathwayModelsDocument, type PathwayModelsQuery } from './gql/graphql';
import { field } from './ui';

const PAGES: { path: string; key: MessageKey }[] = [
  { path: '/research/indicators', key: 'research.indicators' },
  { path: '/research/flows', key: 'research.flows' },
  { path: '/research/pathways', key: 'research.pathways' },
  { path: '/research/reports', key: 'research.reports' },
];

// subnav links the four pages, the current one marked.
export function subnav(current: string): HTMLElement {
  return h('nav', { class: 'mb-3', 'aria-label': t('research.subnav') },
    h('ul', { class: 'nav nav-tabs' }, PAGES.map((p) => h('li', { class: 'nav-item' },
      h('a', { class: `nav-link${p.path === current ? ' active' : ''}`, href: p.path, 'aria-current': p.path === current ? 'page' : null }, t(p.key))))));
}

// pathwayModels are read once per page load: a view change sends the aggregate's query only.
let modelsCache: Promise<PathwayModelsQuery> | null = null;
export function pathwayModels(): Promise<PathwayModelsQuery> {
  modelsCache ??= query(PathwayModelsDocument, {});
  modelsCache.catch(() => { modelsCache = null; });
  return modelsCache;
}

// quarter names a quarter: 2026-Q3.
function quarter(year: number, q: number): string { return `${year}-Q${q}`; }

// closedQuarters are the quarters that have ended, newest first (Italian time: a quarter ends
// at midnight in Rome; the API refuses one that has not, with PERIOD_NOT_ENDED).
export function closedQuarters(count = 16): string[] {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  let y = Number(parts.find((p) => p.type === 'year')!.value);
  let q = Math.floor((Number(parts.find((p) => p.type === 'month')!.value) - 1) / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
    out.push(quarter(y, q));
  }
  return out;
}

// previousQuarters are the n quarters before a quarter, newest first.
export function previousQuarters(period: string, n: number): string[] {
  const m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!m) return [];
  let [y, q] = [Number(m[1]), Number(m[2])];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    q -= 1;
    if (q === 0) { q = 4; y -= 1; }
    out.push(quarter(y, q));
  }
  return out;
}

// periodSelect offers the closed quarters and, with years, the closed years.
export function periodSelect(selected: string | null, years = false): { el: HTMLElement; value: () => string } {
  const id = uid('period');
  const quarters = closedQuarters();
  const thisYear = Number(quarters[0].slice(0, 4)) + (quarters[0].endsWith('Q4') ? 1 : 0);
  const yearList = years ? [1, 2, 3, 4, 5].map((i) => String(thisYear - i)) : [];
  const pick = selected ?? quarters[0];
  const select = h('select', { id, class: 'form-select', name: 'period' },
    h('optgroup', { label: t('research.quarters') }, quarters.map((p) => h('option', { value: p, selected: p === pick }, p))),
    years ? h('optgroup', { label: t('research.years') }, yearList.map((p) => h('option', { value: p, selected: p === pick }, p))) : null);
  return { el: field(id, t('research.period'), select, t('research.periodHelp')), value: () => select.value };
}

// show goes to the page's view for the parameters: one view, one query.
export function show(path: string, params: Record<string, string | null | undefined>): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  go(`${path}?${q}`);
}

// count shows a published count. A published 0 is the count of nothing or of fewer cases
// than the privacy threshold (which the cell key method publishes as 0 or as the threshold):
// it is marked and said in words, never shown as a plain zero.
export function count(n: number): HTMLElement {
  if (n === 0) return withheldMark('count');
  return h('span', { 'data-count': String(n) }, formatNumber(n));
}

// figure shows a derived figure (a rate, median or percentile): its value, or the mark and
// the reason it was withheld.
export function figure(f: { value?: number | null; withheld?: string | null }, unit: 'rate' | 'days'): HTMLElement {
  if (f.value === null || f.value === undefined) return withheldMark(f.withheld ?? 'TOO_FEW');
  const text = unit === 'rate'
    ? new Intl.NumberFormat(lang() === 'en' ? 'en-GB' : 'it-IT', { style: 'percent', maximumFractionDigits: 0 }).format(f.value)
    : t('research.days', { n: formatNumber(f.value) });
  return h('span', { 'data-figure': String(f.value) }, text);
}

// withheldMark is the sign of a figure not published: a mark and words, with the reason.
export function withheldMark(reason: string): HTMLElement {
  const words = reason === 'count' ? t('research.belowThreshold') : t('research.tooFew');
  return h('span', { class: 'withheld', 'data-withheld': reason }, h('span', { class: 'withheld-mark', 'aria-hidden': 'true' }, '⊘'), ' ', words);
}

// legend explains the marks, once per page.
export function legend(): HTMLElement {
  return h('div', { class: 'alert alert-info mb-4', role: 'note' },
    h('p', { class: 'mb-1' }, h('span', { class: 'withheld-mark', 'aria-hidden': 'true' }, '⊘'), ' ', t('research.legendCount')),
    h('p', { class: 'mb-1' }, h('span', { class: 'withheld-mark', 'aria-hidden': 'true' }, '⊘'), ' ', t('research.legendFigure')),
    h('p', { class: 'mb-0 small' }, t('research.legendBudget')));
}

// table is a data table with a caption: the text alternative of a chart and the figures
// themselves.
// keys, when given, name the rows (data-key), for the browser tests.
export function table(caption: string, head: string[], rows: (Node | string)[][], attrs: Record<string, string> = {}, keys: string[] = []): HTMLElement {
  return h('div', { class: 'table-responsive' }, h('table', { class: 'table table-sm', ...attrs },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, head.map((x, i) => h('th', { scope: 'col', class: i > 0 ? 'text-end' : null }, x)))),
    h('tbody', {}, rows.map((r, j) => h('tr', { 'data-key': keys[j] }, r.map((c, i) => i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'text-end' }, c)))))));
}

// The colours of Bootstrap Italia's palette, with contrast on white.
export const COLOURS = ['#0066cc', '#008758', '#995c00', '#d9364f', '#5c6f82', '#6f42c1', '#17324d', '#a66300'];

type ChartModule = typeof import('chart.js');
let lib: Promise<ChartModule> | null = null;
export function chartJs(): Promise<ChartModule> {
  lib ??= import('chart.js').then((m) => { m.Chart.register(...m.registerables); return m; });
  return lib;
}

// chartFigure is a chart and its table: the canvas is an image whose label points to the
// table, which screen readers read instead. draw receives the canvas once it is in the page.
export function chartFigure(name: string, title: string, data: HTMLElement, draw: (canvas: HTMLCanvasElement) => Promise<unknown>): HTMLElement {
  const tableId = uid('chart-table');
  data.id = tableId;
  const canvas = h('canvas', { role: 'img', 'aria-label': t('research.chartLabel', { title }), 'aria-describedby': tableId });
  const box = h('div', { class: 'chart-box', 'data-chart': name }, canvas);
  const fig = h('figure', { class: 'mb-4' }, h('figcaption', { class: 'h5' }, title), box, data);
  requestAnimationFrame(() => {
    void draw(canvas).then(() => { box.dataset.ready = 'true'; }, (err: unknown) => { box.dataset.error = String(err); });
  });
  return fig;
}

// barValue is a published count as a bar: null, so no bar at all, when it is not published.
export function barValue(n: number): number | null { return n === 0 ? null : n; }

// tick labels a category on a chart's axis, with the mark when its figure is withheld.
export function tick(text: string, withheld: boolean): string { return withheld ? `${text} ⊘` : text; }
