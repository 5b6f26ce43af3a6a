// Shared pieces of pages: errors, notices, userErrors, badges, paging.
import { h } from './dom';
import { ApiError, type UserError } from './api';
import { errorSentence, t, label } from './i18n';

// errorBox says what went wrong in a plain sentence, with the API's own message below it.
export function errorBox(err: unknown): HTMLElement {
  const code = err instanceof ApiError ? err.code : 'NETWORK';
  const detail = err instanceof Error ? err.message : String(err);
  return h('div', { class: 'alert alert-danger', role: 'alert', 'data-code': code },
    h('p', { class: 'fw-semibold mb-1' }, errorSentence(code)),
    h('p', { class: 'small mb-0' }, detail));
}

// userErrorsBox lists the userErrors of a payload: each code as a sentence and the API's message.
export function userErrorsBox(errors: readonly UserError[]): HTMLElement {
  return h('div', { class: 'alert alert-danger', role: 'alert', 'data-code': errors[0]?.code ?? '' },
    h('p', { class: 'fw-semibold mb-1' }, t('error.title')),
    h('ul', { class: 'mb-0' }, errors.map((e) => h('li', { 'data-code': e.code }, `${errorSentence(e.code)} ${e.message}`))));
}

export function success(text: string): HTMLElement {
  return h('div', { class: 'alert alert-success', role: 'status' }, text);
}

export function badge(text: string, kind = 'secondary'): HTMLElement {
  return h('span', { class: `badge bg-${kind}` }, text);
}

export function statusBadge(status: string): HTMLElement {
  const kinds: Record<string, string> = { SENT: 'primary', RECEIVED: 'primary', ACCEPTED: 'success', IN_PROGRESS: 'success', COMPLETED: 'success', REFUSED: 'danger', FAILED: 'danger', CANCELLED: 'secondary' };
  return h('span', { class: `badge bg-${kinds[status] ?? 'secondary'}`, 'data-status': status }, label('referral', status));
}

// loading is the placeholder of a region while it loads.
export function loading(): HTMLElement {
  return h('p', { class: 'text-muted', role: 'status' }, t('app.loading'));
}

// into replaces a region's content with a promise's, or with the error it failed with.
export async function into(region: HTMLElement, work: () => Promise<Node | Node[]>): Promise<void> {
  region.replaceChildren(loading());
  try {
    const n = await work();
    region.replaceChildren(...(Array.isArray(n) ? n : [n]));
  } catch (err) {
    region.replaceChildren(errorBox(err));
  }
}

// field is a labelled form control, Bootstrap Italia style.
export function field(id: string, text: string, control: HTMLElement, help?: string): HTMLElement {
  const helpId = help ? `${id}-help` : undefined;
  if (helpId) control.setAttribute('aria-describedby', helpId);
  return h('div', { class: 'mb-3' },
    h('label', { for: id, class: 'form-label fw-semibold' }, text),
    control,
    help ? h('small', { id: helpId, class: 'form-text' }, help) : null);
}
