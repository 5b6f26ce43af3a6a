// The referral inbox of service operators and recipient case managers: receive, accept,
// refuse with a reason, start, complete with an outcome, fail. Each refusal of the API is shown.
import { h, uid } from '../dom';
import { formatDateTime, label, needLabel, t } from '../i18n';
import { mutate, query } from '../api';
import { CaseChangesDocument, IncomingReferralsDocument, MoveReferralDocument, type ReferralItemFragment, type ReferralStatus, type RefusalReason } from '../gql/graphql';
import { onLeave, type Page, type PageContext } from '../router';
import { subscribe } from '../live';
import { errorBox, field, into, statusBadge, success, userErrorsBox } from '../ui';

const STATUSES: ReferralStatus[] = ['SENT', 'RECEIVED', 'ACCEPTED', 'ON_HOLD', 'IN_PROGRESS', 'COMPLETED', 'REFUSED', 'FAILED', 'CANCELLED'];
const REASONS: RefusalReason[] = ['NO_PLACES', 'NOT_ELIGIBLE', 'PERSON_UNREACHABLE', 'DECLINED_BY_PERSON', 'OUTSIDE_AREA', 'OTHER'];
// The recipient's next moves from each status: the buttons offered. The API decides; a move it
// refuses is shown with its reason.
const NEXT: Partial<Record<ReferralStatus, ReferralStatus[]>> = {
  SENT: ['RECEIVED'],
  RECEIVED: ['ACCEPTED', 'REFUSED'],
  ACCEPTED: ['IN_PROGRESS', 'ON_HOLD'],
  ON_HOLD: ['IN_PROGRESS', 'FAILED'],
  IN_PROGRESS: ['COMPLETED', 'FAILED'],
};

export const page: Page = {
  title: () => t('inbox.title'),
  async render(ctx: PageContext) {
    const statusId = uid('status');
    const filter = h('select', { id: statusId, class: 'form-select' },
      h('option', { value: '' }, t('inbox.all')),
      STATUSES.map((s) => h('option', { value: s, selected: ctx.query.get('status') === s }, label('referral', s))));
    const list = h('div', { id: 'inbox-list' });
    const load = (): Promise<void> => into(list, async () => {
      const statuses = filter.value ? [filter.value as ReferralStatus] : undefined;
      const data = await query(IncomingReferralsDocument, { statuses, first: 50 });
      const edges = data.incomingReferrals.edges;
      if (edges.length === 0) return h('p', {}, t('inbox.none'));
      return h('ul', { class: 'list-unstyled' }, edges.map((e) => h('li', { class: 'mb-3' }, item(e.node))));
    });
    filter.addEventListener('change', () => {
      history.replaceState(null, '', filter.value ? `/inbox?status=${filter.value}` : '/inbox');
      void load();
    });
    void load();
    // Live: a referral sent to this actor, or a change of one, reloads the list.
    let pending: number | undefined;
    onLeave(subscribe(CaseChangesDocument, { kinds: ['REFERRAL_SENT', 'REFERRAL_CHANGED'] }, () => {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => void load(), 300);
    }));
    return h('div', {},
      h('h1', {}, t('inbox.title')),
      h('p', {}, t('inbox.intro')),
      h('div', { class: 'row' }, h('div', { class: 'col-12 col-md-4' }, field(statusId, t('inbox.status'), filter))),
      list);
  },
};

function item(r: ReferralItemFragment): HTMLElement {
  const headingId = uid('ref');
  const status = h('div', {});
  const card = h('article', { class: 'card result-card', 'aria-labelledby': headingId, 'data-referral': r.id, 'data-case-code': r.case?.code ?? '' });
  const draw = (ref: ReferralItemFragment): void => {
    const noteId = uid('note');
    const note = h('textarea', { id: noteId, class: 'form-control', rows: '2' });
    const reasonId = uid('reason');
    const reason = h('select', { id: reasonId, class: 'form-select', 'data-refusal-reason': '' },
      REASONS.map((r) => h('option', { value: r }, label('refusal', r))));
    const moves = NEXT[ref.status] ?? [];
    const buttons = moves.map((to) => h('button', {
      type: 'button', class: `btn btn-sm ${to === 'REFUSED' || to === 'FAILED' ? 'btn-outline-danger' : 'btn-primary'} me-2`, 'data-move': to,
      onclick: async (e: Event) => {
        const b = e.currentTarget as HTMLButtonElement;
        b.disabled = true;
        try {
          const text = note.value.trim();
          const refusal = to === 'REFUSED' ? { refusalReason: reason.value as RefusalReason } : {};
          const res = await mutate(MoveReferralDocument, { input: { referralId: ref.id, version: ref.version, status: to, ...refusal, ...(text ? { note: text } : {}) } });
          const p = res.moveReferral;
          if (p.userErrors.length) { status.replaceChildren(userErrorsBox(p.userErrors)); b.disabled = false; return; }
          draw(p.referral!);
          status.replaceChildren(success(t('inbox.done', { status: label('referral', p.referral!.status) })));
        } catch (err) {
          status.replaceChildren(errorBox(err));
          b.disabled = false;
        }
      },
    }, label('action', to)));
    const to = ref.to.__typename === 'Actor' || ref.to.__typename === 'Service' ? ref.to.name : '';
    card.replaceChildren(h('div', { class: 'card-body' },
      h('h2', { id: headingId, class: 'h5 card-title' }, t('inbox.case', { code: ref.case?.code ?? '—' }), ' ', statusBadge(ref.status)),
      h('p', { class: 'mb-1' }, t('inbox.from', { name: ref.from.name }), ' → ', t('inbox.to', { name: to })),
      h('p', { class: 'mb-1' }, t('inbox.need', { need: needLabel(ref.need) })),
      h('p', { class: 'small text-muted' }, t('inbox.sentAt', { date: formatDateTime(ref.sentAt) })),
      ref.reason ? h('p', {}, ref.reason) : null,
      ref.outcome ? h('p', {}, ref.outcome) : null,
      h('details', {}, h('summary', {}, t('inbox.history')),
        h('ol', {}, ref.history.map((c) => h('li', {}, `${formatDateTime(c.at)} — ${label('referral', c.status)} (${c.by})${c.note ? `: ${c.note}` : ''}`)))),
      moves.length ? h('div', { class: 'mt-2' },
        moves.includes('REFUSED') ? field(reasonId, t('inbox.refusalReason'), reason) : null,
        field(noteId, t('inbox.note'), note), buttons) : null,
      status));
  };
  draw(r);
  return card;
}
