// The directory's forms: controls built from a list of fields, the API's userErrors shown at the
// field they concern (Bootstrap Italia's is-invalid and invalid-feedback, aria-invalid and
// aria-describedby), the version read sent back with an edit, and a stale edit (VERSION_CONFLICT)
// offered a reload of the record.
import { h, uid } from '../../dom';
import { errorSentence, t } from '../../i18n';
import type { MessageKey } from '../../i18n/it';
import type { UserError } from '../../api';
import { refresh } from '../../router';
import { errorBox, success } from '../../ui';

export type FieldKind = 'text' | 'textarea' | 'number' | 'date' | 'select' | 'checkbox' | 'list';
export type Raw = string | number | boolean | readonly string[] | null | undefined;

// FieldSpec is one control: name is its path in the mutation's input, dotted for a nested
// input ('contacts.email'); a group of dotted names is sent whole when one of them changed,
// since the API replaces a nested input as a whole.
export interface FieldSpec {
  name: string;
  label: MessageKey;
  kind?: FieldKind;
  options?: { value: string; text: string }[];
  required?: boolean;
  help?: MessageKey;
  value?: Raw;
}

// Widget is a control the page builds itself (a set of zones, a picker): its value goes into
// the input under name, and the userErrors at name are shown on it.
export interface Widget {
  name: string;
  el: HTMLElement;
  control: HTMLElement;
  value(): unknown;
  changed(): boolean;
}

export interface Form {
  el: HTMLFormElement;
  // changes is the input of an edit: the fields changed since the form was drawn.
  changes(): Record<string, unknown>;
  // all is the input of a create: every field given.
  all(): Record<string, unknown>;
  showErrors(errors: readonly UserError[]): void;
  clear(): void;
  status: HTMLElement;
}

interface Control { spec: FieldSpec; input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement; initial: string; box: HTMLElement }

function rawText(v: Raw): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

function control(spec: FieldSpec): Control {
  const id = uid(`f-${spec.name.replace(/\W/g, '-')}`);
  const kind = spec.kind ?? 'text';
  const initial = kind === 'checkbox' ? String(spec.value === true) : rawText(spec.value);
  let input: Control['input'];
  if (kind === 'textarea') {
    input = h('textarea', { id, name: spec.name, class: 'form-control', rows: 3 });
    input.value = initial;
  } else if (kind === 'select') {
    input = h('select', { id, name: spec.name, class: 'form-select' },
      (spec.options ?? []).map((o) => h('option', { value: o.value, selected: o.value === initial }, o.text)));
  } else if (kind === 'checkbox') {
    input = h('input', { id, name: spec.name, type: 'checkbox', class: 'form-check-input', checked: spec.value === true });
  } else {
    input = h('input', { id, name: spec.name, type: kind === 'list' ? 'text' : kind, class: 'form-control', value: initial, inputmode: kind === 'number' ? 'numeric' : null });
  }
  if (spec.required) input.setAttribute('aria-required', 'true');
  const helpId = spec.help ? `${id}-help` : null;
  if (helpId) input.setAttribute('aria-describedby', helpId);
  const labelEl = h('label', { for: id, class: kind === 'checkbox' ? 'form-check-label' : 'form-label fw-semibold' },
    t(spec.label), spec.required ? h('span', { class: 'visually-hidden' }, ` (${t('form.required')})`) : null, spec.required ? h('span', { 'aria-hidden': 'true' }, ' *') : null);
  const help = helpId && spec.help ? h('small', { id: helpId, class: 'form-text d-block' }, t(spec.help)) : null;
  const box = kind === 'checkbox'
    ? h('div', { class: 'form-check mb-3', 'data-field': spec.name }, input, labelEl, help)
    : h('div', { class: 'mb-3', 'data-field': spec.name }, labelEl, input, help);
  return { spec, input, initial, box };
}

function current(c: Control): string {
  return c.input instanceof HTMLInputElement && c.input.type === 'checkbox' ? String(c.input.checked) : c.input.value;
}

// typed is a control's value as the API takes it; undefined leaves it out of the input.
function typed(c: Control, forEdit: boolean): unknown {
  const v = current(c);
  switch (c.spec.kind ?? 'text') {
    case 'checkbox': return v === 'true';
    case 'number': return v.trim() === '' ? undefined : Number(v);
    case 'date': return v === '' ? undefined : v;
    case 'list': return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    // A required field left empty goes as '', so that the API says so at the field.
    case 'select': return v === '' && !c.spec.required ? undefined : v;
    default: return v === '' && !forEdit && !c.spec.required ? undefined : v; // an empty text removes it in an edit
  }
}

function put(obj: Record<string, unknown>, path: string, v: unknown): void {
  if (v === undefined) return;
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
  o[parts[parts.length - 1]] = v;
}

// fieldError marks a control invalid with the message, and links the message to it.
export function fieldError(input: HTMLElement, box: HTMLElement, e: UserError): void {
  input.classList.add('is-invalid');
  input.setAttribute('aria-invalid', 'true');
  let fb = box.querySelector<HTMLElement>(':scope > .invalid-feedback');
  if (!fb) {
    fb = h('div', { class: 'invalid-feedback d-block', id: uid('err') });
    box.append(fb);
  }
  fb.dataset.code = e.code;
  fb.textContent = `${errorSentence(e.code)} ${e.message}`;
  const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((s) => s && s !== fb!.id);
  input.setAttribute('aria-describedby', [fb.id, ...described].join(' '));
}

function clearError(input: HTMLElement, box: HTMLElement): void {
  input.classList.remove('is-invalid');
  input.removeAttribute('aria-invalid');
  const fb = box.querySelector<HTMLElement>(':scope > .invalid-feedback');
  if (fb) {
    input.setAttribute('aria-describedby', (input.getAttribute('aria-describedby') ?? '').split(' ').filter((s) => s && s !== fb.id).join(' '));
    if (!input.getAttribute('aria-describedby')) input.removeAttribute('aria-describedby');
    fb.remove();
  }
}

// form builds the fields and widgets, with a submit button and a region for what the API said.
export function form(id: string, specs: FieldSpec[], widgets: Widget[], submitText: string, onSubmit: (f: Form) => void, extra: HTMLElement[] = []): Form {
  const controls = specs.map(control);
  const status = h('div', { class: 'mt-3', 'aria-live': 'polite', 'data-status': 'true' });
  const el = h('form', { id, novalidate: true, class: 'directory-form' },
    controls.map((c) => c.box), widgets.map((w) => w.el),
    h('div', { class: 'd-flex flex-wrap gap-2' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'save' }, submitText), ...extra),
    status);
  const byName = (name: string): { input: HTMLElement; box: HTMLElement } | null => {
    const c = controls.find((x) => x.spec.name === name);
    if (c) return { input: c.input, box: c.box };
    const w = widgets.find((x) => x.name === name);
    return w ? { input: w.control, box: w.el } : null;
  };
  const f: Form = {
    el, status,
    changes() {
      const out: Record<string, unknown> = {};
      const groups = new Set(controls.filter((c) => c.spec.name.includes('.') && current(c) !== c.initial).map((c) => c.spec.name.split('.')[0]));
      for (const c of controls) {
        const group = c.spec.name.includes('.') ? c.spec.name.split('.')[0] : null;
        if (group ? groups.has(group) : current(c) !== c.initial) put(out, c.spec.name, typed(c, true));
      }
      for (const w of widgets) if (w.changed()) out[w.name] = w.value();
      return out;
    },
    all() {
      const out: Record<string, unknown> = {};
      for (const c of controls) put(out, c.spec.name, typed(c, false));
      for (const w of widgets) { const v = w.value(); if (v !== undefined && v !== null) out[w.name] = v; }
      return out;
    },
    clear() {
      for (const c of controls) clearError(c.input, c.box);
      for (const w of widgets) clearError(w.control, w.el);
      status.replaceChildren();
    },
    showErrors(errors) {
      const rest: UserError[] = [];
      for (const e of errors) {
        // The field path starts at the mutation's argument: ["input", "contacts", "email"].
        const path = e.field[0] === 'input' ? e.field.slice(1) : e.field;
        let at: { input: HTMLElement; box: HTMLElement } | null = null;
        for (let n = path.length; n > 0 && !at; n--) at = byName(path.slice(0, n).join('.'));
        if (at) fieldError(at.input, at.box, e);
        else rest.push(e);
      }
      const first = el.querySelector<HTMLElement>('.is-invalid');
      if (rest.length) status.append(h('div', { class: 'alert alert-danger', role: 'alert', 'data-code': rest[0].code },
        h('p', { class: 'fw-semibold mb-1' }, t('error.title')),
        h('ul', { class: 'mb-0' }, rest.map((e) => h('li', { 'data-code': e.code }, `${errorSentence(e.code)} ${e.message}`)))));
      else if (errors.length) status.append(h('div', { class: 'alert alert-danger', role: 'alert', 'data-code': errors[0].code }, t('admin.fixFields')));
      if (errors.some((e) => e.code === 'VERSION_CONFLICT')) status.append(staleBox());
      first?.focus();
    },
  };
  el.addEventListener('submit', (e) => { e.preventDefault(); onSubmit(f); });
  return f;
}

// staleBox says the record changed since it was read and offers to read it again.
export function staleBox(): HTMLElement {
  return h('div', { class: 'alert alert-warning', role: 'alert', 'data-stale': 'true' },
    h('p', { class: 'mb-2' }, t('admin.stale')),
    h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary', 'data-action': 'reload', onclick: () => refresh() }, t('admin.reload')));
}

// A message kept across the page's redraw after a write: shown once, on the next render.
let flash: string | null = null;
export function setFlash(text: string): void { flash = text; }
export function takeFlash(): HTMLElement | null {
  const f = flash;
  flash = null;
  if (!f) return null;
  const el = success(f);
  el.dataset.flash = 'true';
  return el;
}

// submit runs a write, shows its userErrors at their fields or its refusal, and on success
// calls done. A refusal of the whole operation (FORBIDDEN, say) is shown as an error box.
export async function submit(f: Form, write: () => Promise<readonly UserError[]>, done: () => void): Promise<void> {
  f.clear();
  document.querySelectorAll('[data-flash]').forEach((e) => e.remove());
  const button = f.el.querySelector<HTMLButtonElement>('button[type=submit]');
  if (button) button.disabled = true;
  try {
    const errors = await write();
    if (errors.length) f.showErrors(errors);
    else done();
  } catch (err) {
    f.status.append(errorBox(err));
  } finally {
    if (button) button.disabled = false;
  }
}

// saveEdit sends the fields changed since the form was drawn, or says that nothing changed.
export function saveEdit(f: Form, write: (changes: Record<string, unknown>) => Promise<readonly UserError[]>, done: () => void): void {
  const changes = f.changes();
  if (Object.keys(changes).length === 0) {
    f.clear();
    f.status.append(h('div', { class: 'alert alert-info', role: 'status' }, t('admin.nothingChanged')));
    return;
  }
  void submit(f, () => write(changes), done);
}

// readOnly says why the record has no edit form: the viewer's zones do not hold all of it.
export function readOnly(): HTMLElement {
  return h('div', { class: 'alert alert-info', role: 'note', 'data-readonly': 'true' }, t('admin.readOnly'));
}

// facts is a record's fields as a description list.
export function facts(rows: [string, Node | string | null | undefined][]): HTMLElement {
  return h('dl', { class: 'row' }, rows.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [
    h('dt', { class: 'col-sm-3' }, k), h('dd', { class: 'col-sm-9' }, v!)]));
}

// options are an enum's values as a select's options, in the catalogue's words.
export function options(prefix: string, values: readonly string[], lbl: (p: string, v: string) => string, empty?: string): { value: string; text: string }[] {
  return [...(empty !== undefined ? [{ value: '', text: empty }] : []), ...values.map((v) => ({ value: v, text: lbl(prefix, v) }))];
}
