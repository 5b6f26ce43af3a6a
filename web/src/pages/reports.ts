// Reports: a zone's report for a closed quarter (or year), the same figures as `snodo report`,
// downloaded from GET /reports/{zone}/{period}.csv|.json with the session's token and saved as
// a file. Each download is one aggregate query of the budget.
import { h } from '../dom';
import { t } from '../i18n';
import { ApiError } from '../api';
import type { Page, PageContext } from '../router';
import { session } from '../session';
import { errorBox, success } from '../ui';
import { pickedZone, zonePicker } from '../widgets';
import { legend, periodSelect, subnav } from '../research';

const PATH = '/research/reports';

export const page: Page = {
  title: () => t('reports.title'),
  async render(ctx: PageContext) {
    const zone = zonePicker(pickedZone(ctx.query), () => {}, t('research.zone'));
    const period = periodSelect(ctx.query.get('period'), true);
    const status = h('div', { id: 'report-status', 'aria-live': 'polite' });
    const download = async (format: 'csv' | 'json', button: HTMLButtonElement): Promise<void> => {
      const z = zone.value();
      if (!z) { status.replaceChildren(h('p', { class: 'text-danger', role: 'alert' }, t('research.zonePick'))); return; }
      // The view's address keeps the zone and period, so a reload or a change of language keeps them.
      history.replaceState(null, '', `${PATH}?${new URLSearchParams({ zone: z.id, zn: z.name, period: period.value() })}`);
      button.disabled = true;
      status.replaceChildren(h('p', { role: 'status' }, t('reports.preparing')));
      try {
        const name = await save(z.id, period.value(), format);
        status.replaceChildren(success(t('reports.saved', { file: name })));
        status.dataset.file = name;
      } catch (err) {
        status.replaceChildren(errorBox(err));
      } finally {
        button.disabled = false;
      }
    };
    const csv = h('button', { type: 'button', class: 'btn btn-primary', 'data-format': 'csv' }, t('reports.csv'));
    const json = h('button', { type: 'button', class: 'btn btn-outline-primary', 'data-format': 'json' }, t('reports.json'));
    csv.addEventListener('click', () => void download('csv', csv));
    json.addEventListener('click', () => void download('json', json));
    const form = h('form', { id: 'report-form', class: 'row align-items-end', onsubmit: (e: Event) => { e.preventDefault(); void download('csv', csv); } },
      h('div', { class: 'col-12 col-md-6' }, zone.el),
      h('div', { class: 'col-12 col-md-3' }, period.el),
      h('div', { class: 'col-12 col-md-3 mb-3 d-flex gap-2' }, csv, json));
    return h('div', {}, subnav(PATH), h('h1', {}, t('reports.title')), h('p', {}, t('reports.intro')), form, status, legend());
  },
};

// save fetches the report with the session's token and saves it as a file; it returns the
// file's name, as the server gives it.
async function save(zone: string, period: string, format: 'csv' | 'json'): Promise<string> {
  const token = session.token();
  const res = await fetch(`/reports/${encodeURIComponent(zone)}/${encodeURIComponent(period)}.${format}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) {
    let code = res.status === 401 ? 'UNAUTHENTICATED' : res.status === 429 ? 'RATE_LIMITED' : 'NETWORK';
    let message = res.statusText;
    try {
      const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
      code = body.errors?.[0]?.extensions?.code ?? code;
      message = body.errors?.[0]?.message ?? message;
    } catch { /* not JSON */ }
    throw new ApiError(code, message);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1] ?? `snodo-report-${period}.${format}`;
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
