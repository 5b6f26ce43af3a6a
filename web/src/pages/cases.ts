// My cases: the case manager's cases with the API's filters, and the form to open one.
import { h, uid } from '../dom';
import { formatDateTime, formatNumber, label, needLabel, t } from '../i18n';
import { mutate, query } from '../api';
import { CasesDocument, OpenCaseDocument, PathwayModelsDocument, type CaseFilter, type CaseStatus, type Employability } from '../gql/graphql';
import { go, type Page, type PageContext } from '../router';
import { errorBox, field, into, userErrorsBox } from '../ui';
import { needPicker, needTree, zonePicker } from '../widgets';

export const page: Page = {
  title: () => t('cases.title'),
  async render(ctx: PageContext) {
    const q = ctx.query;
    const [models, tree] = await Promise.all([query(PathwayModelsDocument, {}), needTree()]);
    const zone = zonePicker(q.get('zone') ? { id: q.get('zone')!, name: q.get('zn') ?? '' } : null, () => {}, t('cases.zone'));
    const stageId = uid('stage');
    const stage = h('select', { id: stageId, class: 'form-select' }, h('option', { value: '' }, t('cases.any')),
      models.pathwayModels.map((m) => h('optgroup', { label: m.name }, m.stages.map((s) => h('option', { value: s.id, selected: q.get('stage') === s.id }, s.name)))));
    const statusId = uid('cstatus');
    const status = h('select', { id: statusId, class: 'form-select' }, h('option', { value: '' }, t('cases.any')),
      (['OPEN', 'CLOSED'] as CaseStatus[]).map((s) => h('option', { value: s, selected: q.get('status') === s }, label('caseStatus', s))));
    const needId = uid('cneed');
    const flat = tree.needTree.flatMap((n) => [n, ...n.narrower]);
    const need = h('select', { id: needId, class: 'form-select' }, h('option', { value: '' }, t('cases.any')),
      flat.map((n) => h('option', { value: n.id, selected: q.get('need') === n.id }, needLabel(n))));
    const overdueId = uid('overdue');
    const overdue = h('input', { id: overdueId, type: 'checkbox', class: 'form-check-input', checked: q.get('overdue') === '1' });
    const list = h('section', { id: 'cases-list', 'aria-live': 'polite' });
    const load = (after?: string): Promise<void> => into(list, async () => {
      const filter: CaseFilter = {};
      const params = new URLSearchParams();
      const z = zone.value();
      if (z) { filter.zone = z.id; params.set('zone', z.id); params.set('zn', z.name); }
      if (stage.value) { filter.stage = stage.value; params.set('stage', stage.value); }
      if (status.value) { filter.status = status.value as CaseStatus; params.set('status', status.value); }
      if (need.value) { filter.need = need.value; params.set('need', need.value); }
      if (overdue.checked) { filter.overdue = true; params.set('overdue', '1'); }
      history.replaceState(null, '', `/cases${params.size ? `?${params}` : ''}`);
      const data = await query(CasesDocument, { filter, first: 25, after });
      const c = data.cases;
      if (c.totalCount === 0) return h('p', {}, t('cases.none'));
      return [h('h2', { class: 'h4' }, t('cases.count', { n: formatNumber(c.totalCount) })),
        h('div', { class: 'table-responsive' }, h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, [t('case.title', { code: '' }).trim(), t('cases.zone'), t('cases.stage'), t('cases.status'), t('cases.needs')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', {}, c.edges.map((e) => h('tr', { 'data-case': e.node.id },
            h('td', {}, h('a', { href: `/cases/${encodeURIComponent(e.node.id)}` }, e.node.code), e.node.overdue ? h('span', { class: 'badge bg-danger ms-2' }, t('cases.overdueBadge')) : null),
            h('td', {}, e.node.zone.name),
            h('td', {}, e.node.stage.name),
            h('td', {}, label('caseStatus', e.node.status), h('br', {}), h('small', {}, formatDateTime(e.node.openedAt))),
            h('td', {}, e.node.needs.map(needLabel).join(', '))))))),
        c.pageInfo.hasNextPage ? h('button', { type: 'button', class: 'btn btn-outline-primary', onclick: () => void load(c.pageInfo.endCursor ?? undefined) }, t('paging.next')) : null].filter(Boolean) as Node[];
    });
    const filters = h('form', { id: 'cases-filter', onsubmit: (e: Event) => { e.preventDefault(); void load(); } },
      h('fieldset', {}, h('legend', { class: 'h5' }, t('cases.filters')),
        h('div', { class: 'row' },
          h('div', { class: 'col-12 col-md-6 col-lg-3' }, zone.el),
          h('div', { class: 'col-12 col-md-6 col-lg-3' }, field(stageId, t('cases.stage'), stage)),
          h('div', { class: 'col-12 col-md-6 col-lg-2' }, field(statusId, t('cases.status'), status)),
          h('div', { class: 'col-12 col-md-6 col-lg-2' }, field(needId, t('cases.need'), need)),
          h('div', { class: 'col-12 col-md-6 col-lg-2 pt-4' }, h('div', { class: 'form-check' }, overdue, h('label', { for: overdueId, class: 'form-check-label' }, t('cases.overdue')))))),
      h('button', { type: 'submit', class: 'btn btn-outline-primary' }, t('cases.apply')));
    void load();
    return h('div', {},
      h('h1', {}, t('cases.title')),
      h('p', {}, t('cases.intro')),
      await openForm(models.pathwayModels),
      filters, list);
  },
};

async function openForm(models: { id: string; name: string }[]): Promise<HTMLElement> {
  const zone = zonePicker(null, () => {}, t('cases.zone'));
  const modelId = uid('model');
  const model = h('select', { id: modelId, class: 'form-select' }, models.map((m) => h('option', { value: m.id }, m.name)));
  const needs = await needPicker('open-needs', [], true, t('cases.needs'));
  const empId = uid('emp');
  const emp = h('select', { id: empId, class: 'form-select' }, h('option', { value: '' }, t('cases.any')),
    (['LOW', 'MEDIUM', 'HIGH'] as Employability[]).map((e) => h('option', { value: e }, label('employability', e))));
  const notesId = uid('notes');
  const notes = h('textarea', { id: notesId, class: 'form-control', rows: '2' });
  const status = h('div', {});
  const form = h('form', {
    id: 'open-case-form',
    onsubmit: async (e: Event) => {
      e.preventDefault();
      const z = zone.value();
      try {
        const res = await mutate(OpenCaseDocument, { input: {
          zoneId: z?.id ?? '', modelId: model.value, needIds: needs.values(),
          ...(emp.value ? { employability: emp.value as Employability } : {}),
          ...(notes.value.trim() ? { notes: notes.value.trim() } : {}),
        } });
        const p = res.openCase;
        if (p.userErrors.length) { status.replaceChildren(userErrorsBox(p.userErrors)); return; }
        go(`/cases/${encodeURIComponent(p.case!.id)}`);
      } catch (err) { status.replaceChildren(errorBox(err)); }
    },
  },
    h('div', { class: 'row' },
      h('div', { class: 'col-12 col-lg-6' }, zone.el, field(modelId, t('cases.model'), model), field(empId, t('cases.employability'), emp), field(notesId, t('cases.notes'), notes)),
      h('div', { class: 'col-12 col-lg-6' }, needs.el)),
    status,
    h('button', { type: 'submit', class: 'btn btn-primary', id: 'open-case-submit' }, t('cases.create')));
  return h('details', { class: 'mb-4', id: 'open-case' }, h('summary', { class: 'btn btn-primary mb-3' }, t('cases.open')),
    h('h2', { class: 'h4' }, t('cases.openTitle')), form);
}
