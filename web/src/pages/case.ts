// A case's page: its stage as a stepper of its model with the allowed moves, its referrals with
// their lifecycle, its plan, and its trace as a timeline; links to refer it from the finder
// and to its graph.
import { h } from '../dom';
import { formatDate, formatDateTime, label, needLabel, t } from '../i18n';
import { mutate, query } from '../api';
import { CasePageDocument, MoveCaseDocument, type CasePageQuery } from '../gql/graphql';
import { refresh, type Page, type PageContext } from '../router';
import { errorBox, statusBadge, success, userErrorsBox } from '../ui';

type Trace = CasePageQuery['caseTrace'];
let lastCode = '';

export const page: Page = {
  title: () => t('case.title', { code: lastCode }),
  async render(ctx: PageContext) {
    const data = await query(CasePageDocument, { id: ctx.params.id });
    const tr = data.caseTrace;
    const c = tr.case;
    lastCode = c.code;
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

function plan(tr: Trace): HTMLElement {
  const iv = tr.case.plan?.interventions ?? [];
  return h('section', { class: 'mb-4', 'aria-labelledby': 'plan-h' },
    h('h2', { id: 'plan-h', class: 'h4' }, t('case.plan')),
    iv.length === 0 ? h('p', {}, t('case.noPlan')) : h('ul', {}, iv.map((i) => h('li', {},
      `${i.service.name} — ${needLabel(i.need)} · ${label('intervention', i.status)}${i.startDate ? ` · ${formatDate(i.startDate)}` : ''}${i.endDate ? `–${formatDate(i.endDate)}` : ''}`))));
}

function timeline(tr: Trace): HTMLElement {
  return h('section', { class: 'mb-4', 'aria-labelledby': 'trace-h' },
    h('h2', { id: 'trace-h', class: 'h4' }, t('case.trace')),
    h('ol', { class: 'list-unstyled border-start border-primary ps-3', id: 'case-timeline' }, tr.events.map((e) => h('li', { class: 'mb-3', 'data-kind': e.kind },
      h('p', { class: 'mb-0 fw-semibold' }, label('event', e.kind), h('span', { class: 'fw-normal small ms-2' }, formatDateTime(e.at))),
      h('p', { class: 'mb-0' }, e.summary), h('p', { class: 'mb-0 small text-muted' }, e.by)))));
}
