// Directory: pathway models, each with its ordered stages. Admins only may create and change
// them (every case of every zone that follows a model moves with it): the page asks the API
// (viewerCanEdit) rather than deciding by role.
import { h } from '../../dom';
import { t } from '../../i18n';
import { mutate, query } from '../../api';
import { AdminCreateModelDocument, AdminModelsDocument, AdminUpdateModelDocument, type AdminModelsQuery, type CreatePathwayModelInput, type StageInput, type UpdatePathwayModelInput } from '../../gql/graphql';
import { refresh, type Page } from '../../router';
import { form, saveEdit, setFlash, submit, takeFlash, type FieldSpec, type Widget } from './forms';
import { layout, mayCreate } from './parts';

const HERE = '/admin/models';
type Model = AdminModelsQuery['pathwayModels'][number];

export const page: Page = {
  title: () => t('admin.models'),
  async render() {
    const d = await query(AdminModelsDocument, {});
    return layout(HERE, t('admin.models'), takeFlash(),
      ...d.pathwayModels.map(model),
      mayCreate(true) ? createForm() : null);
  },
};

function specs(m?: Model): FieldSpec[] {
  return [
    { name: 'name', label: 'admin.name', required: true, value: m?.name },
    { name: 'description', label: 'admin.description', kind: 'textarea', value: m?.description },
    { name: 'maxDurationDays', label: 'admin.maxDuration', kind: 'number', help: 'admin.maxDurationHelp', value: m?.maxDurationDays },
  ];
}

function model(m: Model): HTMLElement {
  const headingId = `model-${m.id}-h`;
  const stages = h('ol', { class: 'stepper-list' }, m.stages.map((s) => h('li', { 'data-stage': s.code }, `${s.code} · ${s.name}`)));
  let edit: HTMLElement | null = null;
  if (m.viewerCanEdit) {
    const f = form(`model-form-${m.id}`, specs(m), [], t('admin.save'), (f) => saveEdit(f, async (c) => {
      const r = await mutate(AdminUpdateModelDocument, { input: { id: m.id, version: m.version, ...c } as UpdatePathwayModelInput });
      return r.updatePathwayModel.userErrors;
    }, () => { setFlash(t('admin.saved')); refresh(); }));
    edit = h('details', { class: 'mt-2' }, h('summary', {}, t('admin.editTitle')), f.el);
  }
  return h('section', { class: 'card result-card mb-3', 'aria-labelledby': headingId, 'data-model': m.id },
    h('div', { class: 'card-body' },
      h('h2', { id: headingId, class: 'h5 card-title' }, m.name),
      m.description ? h('p', {}, m.description) : null,
      m.maxDurationDays ? h('p', { class: 'small' }, t('admin.maxDurationIs', { days: m.maxDurationDays })) : null,
      stages, edit));
}

// stagesWidget reads the stages of a new model, one a line: the code, a space, the name.
function stagesWidget(): Widget {
  const id = 'new-model-stages';
  const area = h('textarea', { id, class: 'form-control', rows: 5, 'aria-describedby': `${id}-help` });
  const el = h('div', { class: 'mb-3', 'data-field': 'stages' },
    h('label', { for: id, class: 'form-label fw-semibold' }, t('admin.stages')), area,
    h('small', { id: `${id}-help`, class: 'form-text d-block' }, t('admin.stagesHelp')));
  const value = (): StageInput[] => area.value.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
    const [code, ...rest] = l.split(/\s+/);
    return { code, name: rest.join(' ') || code };
  });
  return { name: 'stages', el, control: area, value, changed: () => true };
}

function createForm(): HTMLElement {
  const f = form('model-form-new', specs(), [stagesWidget()], t('admin.create'), (f) => void submit(f, async () => {
    const r = await mutate(AdminCreateModelDocument, { input: f.all() as unknown as CreatePathwayModelInput });
    return r.createPathwayModel.userErrors;
  }, () => { setFlash(t('admin.created')); refresh(); }));
  return h('section', { 'aria-labelledby': 'new-model-h', class: 'mt-4' }, h('h2', { id: 'new-model-h', class: 'h4' }, t('admin.newModel')), f.el);
}
