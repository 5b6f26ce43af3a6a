// A case's page: its stage as a stepper of its model with the allowed moves, its referrals with
// their lifecycle, its plan, and its trace as a timeline; links to refer it from the finder
// and to its graph.
import { h, uid } from '../dom';
import { formatDate, formatDateTime, label, needLabel, t } from '../i18n';
import { mutate, query, type UserError } from '../api';
import { AddInterventionDocument, CaseChangesDocument, CasePageDocument, CloseCaseDocument, MoveCaseDocument, MoveInterventionDocument, type CaseOutcome, type CasePageQuery, type InterventionStatus } from '../gql/graphql';
import { onLeave, refresh, type Page, type PageContext } from '../router';
import { subscribe } from '../live';
import { errorBox, field, statusBadge, success, userErrorsBox } from '../ui';

type Trace = CasePageQuery['caseTrace'];
let lastCode = '';

export const page: Page = {
  title: () => t('case.title', { code: lastCode }),
  async render(ctx: PageContext) {
    const data = await query(CasePageDocument, { id: ctx.params.id });
    const tr = data.caseTrace;
    const c = tr.case;
    lastCode = c.code;
    // Live: a recipient answering one of the case's referrals shows at once (the page's own
    // changes refresh it already).
    onLeave(subscribe(CaseChangesDocument, { kinds: ['REFERRAL_CHANGED'] }, (d) => { if (d.caseChanges.case?.id === c.id) refresh(); }));
    const firstNeed = c.needs[0];
    const finder = new URLSearchParams({ zone: c.zone.id, zn: c.zone.name, case: c.id, code: c.code, ...(firstNeed ? { need: firstNeed.id } : {}) });
    return h('div', { 'data-case': c.id },
      h('h1', {}, t('case.title', { code: c.code })),
      h('p', {}, `${c.zone.name} · ${c.model.name} · ${label('caseStatus', c.status)} · ${t('cases.openedAt', { date: formatDateTime(c.openedAt) })}`,
        c.overdue ? h('span', { class: 'badge bg-danger ms-2' }, t('cases.overdueBadge')) : null),
      h('p', {}, t('case.manager', { actor: c.managingActor.name }), ` (${c.caseManager})`, ' · ', c.needs.map(needLabel).join(', '),
        c.employability ? ` · ${t('cases.employability')}: ${label('employability', c.employability)}` : ''),
      c.notes ? h('p', { class: 'fst-italic' }, c.notes) : null,
      h('div', { class: 'd-flex flex-wrap gap-2 mb-4' },
        h('a', { class: 'btn btn-primary', id: 'case-find', href: `/finder?${finder}` }, t('case.find')),
        h('a', { class: 'btn btn-outline-primary', id: 'case-graph-link', href: `/cases/${encodeURIComponent(c.id)}/graph` }, t('case.graph'))),
      stepper(tr),
      referrals(tr),
      plan(tr),
      closing(tr),
      timeline(tr));
  },
};

function stepper(tr: Trace): HTMLElement {
  const c = tr.case;
  const stages = [...c.model.stages].sort((a, b) => a.position - b.position);
  const back = new Set(c.stage.allowedBack.map((s) => s.id));
  const status = h('div', {});
  const moves = c.status === 'OPEN' ? stages.filter((s) => s.position > c.stage.position || back.has(s.id)) : [];
  return h('section', { class: 'mb-4', 'aria-labelledby': 'stage-h' },
    h('h2', { id: 'stage-h', class: 'h4' }, t('case.stage')),
    h('ol', { class: 'stepper-list', id: 'case-stepper' }, stages.map((s) => h('li', {
      class: s.id === c.stage.id ? 'current' : s.position < c.stage.position ? 'done' : '',
      'aria-current': s.id === c.stage.id ? 'step' : null,
    }, `${s.position}. ${s.name}`))),
    h('div', { class: 'd-flex flex-wrap gap-2' }, moves.map((s) => h('button', {
      type: 'button', class: 'btn btn-sm btn-outline-primary', 'data-stage': s.code,
      onclick: async () => {
        try {
          const res = await mutate(MoveCaseDocument, { input: { caseId: c.id, version: c.version, stageId: s.id } });
          if (res.moveCase.userErrors.length) { status.replaceChildren(userErrorsBox(res.moveCase.userErrors)); return; }
          status.replaceChildren(success(t('case.moved')));
          refresh();
        } catch (err) { status.replaceChildren(errorBox(err)); }
      },
    }, t('case.moveTo', { stage: s.name })))),
    status);
}

function referrals(tr: Trace): HTMLElement {
  const rs = tr.case.referrals;
  return h('section', { class: 'mb-4', 'aria-labelledby': 'ref-h', id: 'case-referrals' },
    h('h2', { id: 'ref-h', class: 'h4' }, t('case.referrals')),
    rs.length === 0 ? h('p', {}, t('case.noReferrals')) : h('ul', { class: 'list-unstyled' }, rs.map((r) => h('li', { class: 'mb-2', 'data-referral': r.id },
      h('strong', {}, r.to.__typename === 'Actor' || r.to.__typename === 'Service' ? r.to.name : ''), ' ', statusBadge(r.status),
      h('span', { class: 'ms-2 small' }, `${needLabel(r.need)} · ${formatDateTime(r.sentAt)}`),
      h('ol', { class: 'small' }, r.history.map((x) => h('li', {}, `${formatDateTime(x.at)} — ${label('referral', x.status)}${x.note ? `: ${x.note}` : ''}`)))))));
}

// The moves an intervention may make, as the API's lifecycle allows them.
const INTERVENTION_NEXT: Partial<Record<InterventionStatus, InterventionStatus[]>> = {
  PLANNED: ['ACTIVE', 'STOPPED'],
  ACTIVE: ['DONE', 'STOPPED'],
};

// act runs a mutation of the case page and shows what the API refused, or refreshes the page.
async function act(status: HTMLElement, done: string, run: () => Promise<{ userErrors: readonly UserError[] }>): Promise<void> {
  try {
    const p = await run();
    if (p.userErrors.length) { status.replaceChildren(userErrorsBox(p.userErrors)); return; }
    status.replaceChildren(success(done));
    refresh();
  } catch (err) { status.replaceChildren(errorBox(err)); }
}

function plan(tr: Trace): HTMLElement {
  const c = tr.case;
  const iv = c.plan?.interventions ?? [];
  const status = h('div', {});
  // A service that accepted a referral of the case can deliver an intervention of the plan,
  // for the need it was referred for.
  const inPlan = new Set(iv.map((i) => i.service.id));
  const candidates = c.status !== 'OPEN' ? [] : c.referrals.filter((r) => r.to.__typename === 'Service' && !inPlan.has(r.to.id)
    && ['ACCEPTED', 'ON_HOLD', 'IN_PROGRESS', 'COMPLETED'].includes(r.status));
  return h('section', { class: 'mb-4', 'aria-labelledby': 'plan-h', id: 'case-plan' },
    h('h2', { id: 'plan-h', class: 'h4' }, t('case.plan')),
    iv.length === 0 ? h('p', {}, t('case.noPlan')) : h('ul', {}, iv.map((i) => h('li', { class: 'mb-2', 'data-intervention': i.id },
      `${i.service.name} — ${needLabel(i.need)} · `, statusBadgeOf(i.status),
      `${i.startDate ? ` · ${formatDate(i.startDate)}` : ''}${i.endDate ? `–${formatDate(i.endDate)}` : ''}`,
      (INTERVENTION_NEXT[i.status] ?? []).map((to) => h('button', {
        type: 'button', class: 'btn btn-sm btn-outline-primary ms-2', 'data-move': to,
        onclick: () => act(status, t('case.interventionMoved'), async () =>
          (await mutate(MoveInterventionDocument, { input: { interventionId: i.id, status: to } })).moveIntervention),
      }, t('case.interventionTo', { status: label('intervention', to) })))))),
    h('div', { class: 'd-flex flex-wrap gap-2' }, candidates.map((r) => h('button', {
      type: 'button', class: 'btn btn-sm btn-primary', 'data-add-intervention': r.id,
      onclick: () => act(status, t('case.added'), async () =>
        (await mutate(AddInterventionDocument, { input: { caseId: c.id, needId: r.need.id, serviceId: r.to.__typename === 'Service' ? r.to.id : '' } })).addIntervention),
    }, t('case.addToPlan', { service: r.to.__typename === 'Service' ? r.to.name : '' })))),
    status);
}

function statusBadgeOf(s: InterventionStatus): HTMLElement {
  return h('span', { class: 'badge bg-secondary', 'data-status': s }, label('intervention', s));
}

// closing closes an open case with its outcome.
function closing(tr: Trace): HTMLElement | null {
  const c = tr.case;
  if (c.status !== 'OPEN') return null;
  const status = h('div', {});
  const outcomeId = uid('outcome');
  const outcomes: CaseOutcome[] = ['INCLUDED', 'TRANSFERRED', 'DROPPED_OUT', 'OTHER'];
  const select = h('select', { id: outcomeId, class: 'form-select' }, outcomes.map((o) => h('option', { value: o }, label('outcome', o))));
  return h('section', { class: 'mb-4', 'aria-labelledby': 'close-h', id: 'case-close' },
    h('h2', { id: 'close-h', class: 'h4' }, t('case.close')),
    h('div', { class: 'row align-items-end' },
      h('div', { class: 'col-12 col-md-6' }, field(outcomeId, t('case.outcome'), select)),
      h('div', { class: 'col-12 col-md-6 mb-3' }, h('button', {
        type: 'button', class: 'btn btn-outline-danger', id: 'case-close-submit',
        onclick: () => act(status, t('case.closed'), async () =>
          (await mutate(CloseCaseDocument, { input: { caseId: c.id, version: c.version, outcome: select.value as CaseOutcome } })).closeCase),
      }, t('case.close')))),
    status);
}

function timeline(tr: Trace): HTMLElement {
  return h('section', { class: 'mb-4', 'aria-labelledby': 'trace-h' },
    h('h2', { id: 'trace-h', class: 'h4' }, t('case.trace')),
    h('ol', { class: 'list-unstyled border-start border-primary ps-3', id: 'case-timeline' }, tr.events.map((e) => h('li', { class: 'mb-3', 'data-kind': e.kind },
      h('p', { class: 'mb-0 fw-semibold' }, label('event', e.kind), h('span', { class: 'fw-normal small ms-2' }, formatDateTime(e.at))),
      h('p', { class: 'mb-0' }, e.summary), h('p', { class: 'mb-0 small text-muted' }, e.by)))));
}
