// The finder: the services that cover a need in a zone for a person, best first, as cards a
// case manager can print or share, and refer a case to.
import { h, icon, uid } from '../dom';
import { formatDateTime, formatNumber, label, needLabel, romeNow, romeToISO, t, TIME_ZONE, lang } from '../i18n';
import { mutate, query } from '../api';
import {
  CasesDocument, FindServicesDocument, ReferDocument, type ConsentScope,
  type FindServicesInput, type FindServicesQuery, type LegalStatus, type ServiceChannel,
} from '../gql/graphql';
import type { Page, PageContext } from '../router';
import { session } from '../session';
import { errorBox, field, into, success, userErrorsBox } from '../ui';
import { needPicker, zonePicker, type Picked } from '../widgets';

type Match = FindServicesQuery['findServices']['edges'][number]['node'];
const LEGAL: LegalStatus[] = ['ITALIAN_CITIZEN', 'EU_CITIZEN', 'RESIDENCE_PERMIT', 'ASYLUM_SEEKER', 'INTERNATIONAL_PROTECTION', 'SPECIAL_PROTECTION', 'UNDOCUMENTED'];
const CHANNELS: ServiceChannel[] = ['DESK', 'DROP_IN', 'MOBILE_UNIT', 'HELPLINE', 'OUTREACH', 'SHELTER', 'COURSE', 'PLACEMENT', 'ONLINE'];
const PAGE_SIZE = 10;

// The search lives in the URL, so a link reproduces it: zone, zn (its name), need, age, legal,
// langs, nodocs, at (Rome local time), free, ch (channels), case (to refer).
export interface Search {
  zone: Picked | null; need: string | null; age: string; legal: string; langs: string;
  nodocs: boolean; at: string; free: boolean; channels: string[]; caseId: string | null;
}

export function readSearch(q: URLSearchParams): Search {
  const zone = q.get('zone');
  return {
    zone: zone ? { id: zone, name: q.get('zn') ?? zone } : null,
    need: q.get('need'), age: q.get('age') ?? '', legal: q.get('legal') ?? '', langs: q.get('langs') ?? '',
    nodocs: q.get('nodocs') === '1', at: q.get('at') ?? '', free: q.get('free') === '1',
    channels: (q.get('ch') ?? '').split(',').filter(Boolean), caseId: q.get('case'),
  };
}

export function searchQuery(s: Search): string {
  const q = new URLSearchParams();
  if (s.zone) { q.set('zone', s.zone.id); q.set('zn', s.zone.name); }
  if (s.need) q.set('need', s.need);
  if (s.age) q.set('age', s.age);
  if (s.legal) q.set('legal', s.legal);
  if (s.langs) q.set('langs', s.langs);
  if (s.nodocs) q.set('nodocs', '1');
  if (s.at) q.set('at', s.at);
  if (s.free) q.set('free', '1');
  if (s.channels.length) q.set('ch', s.channels.join(','));
  if (s.caseId) q.set('case', s.caseId);
  return q.toString();
}

function toInput(s: Search): FindServicesInput {
  const languages = s.langs.split(/[,\s]+/).map((x) => x.trim().toLowerCase()).filter(Boolean);
  const person = {
    ...(s.age !== '' ? { age: Number(s.age) } : {}),
    ...(s.legal ? { legalStatus: s.legal as LegalStatus } : {}),
    ...(languages.length ? { languages } : {}),
    ...(s.nodocs ? { missingDocuments: true } : {}),
  };
  return {
    zoneId: s.zone!.id, needId: s.need!,
    ...(Object.keys(person).length ? { person } : {}),
    ...(s.channels.length ? { channels: s.channels as ServiceChannel[] } : {}),
    ...(s.free ? { hasFreePlaces: true } : {}),
    ...(s.at ? { openAt: romeToISO(s.at) } : {}),
  };
}

export const page: Page = {
  title: () => t('finder.title'),
  async render(ctx: PageContext) {
    const s = readSearch(ctx.query);
    const results = h('section', { id: 'finder-results', 'aria-live': 'polite', 'aria-labelledby': 'results-heading' });
    const zone = zonePicker(s.zone, () => {});
    const need = await needPicker('need', s.need ? [s.need] : [], false);
    const formErrors = h('div', {});
    const age = h('input', { id: uid('age'), type: 'number', min: '0', max: '120', class: 'form-control', value: s.age, inputmode: 'numeric' });
    const legal = h('select', { id: uid('legal'), class: 'form-select' },
      h('option', { value: '' }, t('finder.legalAny')),
      LEGAL.map((l) => h('option', { value: l, selected: s.legal === l }, label('legal', l))));
    const langs = h('input', { id: uid('langs'), type: 'text', class: 'form-control', value: s.langs, autocomplete: 'off' });
    const nodocsId = uid('nodocs');
    const nodocs = h('input', { id: nodocsId, type: 'checkbox', class: 'form-check-input', checked: s.nodocs });
    const at = h('input', { id: uid('at'), type: 'datetime-local', class: 'form-control', value: s.at });
    const freeId = uid('free');
    const free = h('input', { id: freeId, type: 'checkbox', class: 'form-check-input', checked: s.free });
    const channels = CHANNELS.map((c) => {
      const id = uid('ch');
      return h('div', { class: 'form-check form-check-inline' },
        h('input', { id, type: 'checkbox', class: 'form-check-input', name: 'channel', value: c, checked: s.channels.includes(c) }),
        h('label', { for: id, class: 'form-check-label' }, label('channel', c)));
    });

    const form = h('form', { id: 'finder-form', class: 'no-print', novalidate: true },
      h('div', { class: 'row' },
        h('div', { class: 'col-12 col-lg-6' }, zone.el, need.el),
        h('div', { class: 'col-12 col-lg-6' },
          h('fieldset', { class: 'mb-3' },
            h('legend', { class: 'fs-6 fw-semibold' }, t('finder.person')),
            field(age.id, t('finder.age'), age),
            field(legal.id, t('finder.legalStatus'), legal),
            field(langs.id, t('finder.languages'), langs, t('finder.languagesHelp')),
            h('div', { class: 'form-check mb-3' }, nodocs, h('label', { for: nodocsId, class: 'form-check-label' }, t('finder.missingDocuments')))),
          field(at.id, t('finder.openAt'), at),
          h('div', { class: 'form-check mb-3' }, free, h('label', { for: freeId, class: 'form-check-label' }, t('finder.freeOnly'))),
          h('fieldset', { class: 'mb-3' }, h('legend', { class: 'fs-6 fw-semibold' }, t('finder.channels')), channels))),
      formErrors,
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'finder-submit' }, icon('it-search', 'icon-white icon-sm me-1'), t('finder.search')));

    const readForm = (): Search => ({
      zone: zone.value(), need: need.values()[0] ?? null, age: age.value.trim(), legal: legal.value,
      langs: langs.value.trim(), nodocs: nodocs.checked, at: at.value, free: free.checked,
      channels: [...form.querySelectorAll<HTMLInputElement>('input[name="channel"]:checked')].map((i) => i.value), caseId: s.caseId,
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const next = readForm();
      const missing: string[] = [];
      if (!next.zone) missing.push(t('finder.zonePick'));
      if (!next.need) missing.push(t('finder.needPick'));
      if (missing.length) {
        formErrors.replaceChildren(h('div', { class: 'alert alert-warning', role: 'alert' }, h('ul', { class: 'mb-0' }, missing.map((m) => h('li', {}, m)))));
        return;
      }
      formErrors.replaceChildren();
      history.replaceState(null, '', `/finder?${searchQuery(next)}`);
      void showResults(results, next);
    });
    if (!s.at) at.value = '';
    at.placeholder = romeNow();

    const root = h('div', {},
      h('h1', {}, t('finder.title')),
      h('p', { class: 'no-print' }, t('finder.intro')),
      s.caseId ? h('p', { class: 'alert alert-info no-print' }, t('finder.referForCase', { code: ctx.query.get('code') ?? '' })) : null,
      form, results);
    if (s.zone && s.need) void showResults(results, s);
    return root;
  },
};

async function showResults(region: HTMLElement, s: Search): Promise<void> {
  const input = toInput(s);
  const list = h('div', { class: 'row g-3', id: 'finder-cards' });
  const more = h('div', { class: 'no-print my-3' });
  await into(region, async () => {
    const data = await query(FindServicesDocument, { input, first: PAGE_SIZE });
    const conn = data.findServices;
    const link = `${location.origin}/finder?${searchQuery({ ...s, caseId: null })}`;
    const linkId = uid('share');
    const shareInput = h('input', { id: linkId, class: 'form-control', readonly: true, value: link });
    const head = h('div', { class: 'd-flex flex-wrap align-items-end gap-3 my-4' },
      h('h2', { id: 'results-heading', class: 'h3 mb-0 me-auto' }, t('finder.results', { n: formatNumber(conn.totalCount) })),
      h('button', { type: 'button', class: 'btn btn-outline-primary no-print', id: 'finder-print', onclick: () => window.print() }, t('finder.print')),
      h('div', { class: 'no-print' }, h('label', { for: linkId, class: 'form-label small mb-0' }, t('finder.share')), shareInput));
    const printed = h('p', { class: 'print-only' }, t('finder.printedOn', { date: formatDateTime(new Date().toISOString()) }), ` — ${s.zone?.name ?? ''}`);
    appendPage(list, more, conn, input, s);
    if (conn.totalCount === 0) return [head, h('p', {}, t('finder.noResults'))];
    return [head, printed, list, more];
  });
}

function appendPage(list: HTMLElement, more: HTMLElement, conn: FindServicesQuery['findServices'], input: FindServicesInput, s: Search): void {
  for (const e of conn.edges) list.append(h('div', { class: 'col-12' }, card(e.node, s)));
  more.replaceChildren();
  if (conn.pageInfo.hasNextPage) {
    more.append(h('button', {
      type: 'button', class: 'btn btn-outline-primary', id: 'finder-more',
      onclick: async () => {
        try {
          const data = await query(FindServicesDocument, { input, first: PAGE_SIZE, after: conn.pageInfo.endCursor });
          appendPage(list, more, data.findServices, input, s);
        } catch (err) { more.replaceChildren(errorBox(err)); }
      },
    }, t('finder.more')));
  }
}

// openNow tells whether the weekly hours include the present moment in Rome.
function openNow(hours: Match['service']['openingHours']): boolean | null {
  if (hours.length === 0) return null;
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date());
  const day = parts.find((p) => p.type === 'weekday')!.value.slice(0, 3).toUpperCase();
  const time = `${parts.find((p) => p.type === 'hour')!.value}:${parts.find((p) => p.type === 'minute')!.value}`;
  return hours.some((o) => o.day === day && o.opens <= time && time < o.closes);
}

function ageRange(min: number | null, max: number | null): string | null {
  if (min != null && max != null) return t('age.between', { min, max });
  if (min != null) return t('age.from', { min });
  if (max != null) return t('age.to', { max });
  return null;
}

const languageNames = (): Intl.DisplayNames => new Intl.DisplayNames([lang() === 'it' ? 'it' : 'en'], { type: 'language' });

function card(m: Match, s: Search): HTMLElement {
  const svc = m.service;
  const headingId = uid('svc');
  const open = openNow(svc.openingHours);
  const names = languageNames();
  const contacts = svc.provider.contacts;
  const body = h('div', { class: 'card-body' },
    h('h3', { id: headingId, class: 'card-title' }, h('a', { href: `/services/${encodeURIComponent(svc.id)}` }, svc.name)),
    h('p', { class: 'mb-1' }, svc.provider.name, ' · ', label('channel', svc.channel)),
    h('p', { class: 'fw-semibold mb-2', 'data-coverage': m.coverage },
      m.coverage === 'FULL' ? t('finder.coverFull', { zone: s.zone?.name ?? m.throughZone.name }) : t('finder.coverPartial', { zone: m.throughZone.name })),
    m.stale ? h('div', { class: 'alert alert-warning py-2', 'data-stale': 'true' }, t('finder.stale')) : null,
    svc.description ? h('p', {}, svc.description) : null,
    h('h4', { class: 'h6' }, t('finder.why')),
    h('ul', {}, m.reasons.map((r) => h('li', {}, r))),
    h('h4', { class: 'h6' }, t('finder.barriers')),
    m.barriers.length === 0
      ? h('p', { class: 'text-success' }, t('finder.noBarriers'))
      : h('ul', { class: 'barriers' }, m.barriers.map((b) => h('li', { 'data-barrier': b.code }, h('strong', {}, label('barrier', b.code)), `: ${b.message}`))),
    h('dl', { class: 'row mb-0' },
      svc.capacity != null ? [h('dt', { class: 'col-sm-4' }, t('places.free')), h('dd', { class: 'col-sm-8', 'data-places': String(svc.freePlaces ?? '') },
        t('finder.places', { free: formatNumber(svc.freePlaces ?? 0), capacity: formatNumber(svc.capacity) }),
        m.placesAgeHours != null ? ` (${m.placesAgeHours < 1 ? t('finder.placesAgeFresh') : t('finder.placesAge', { hours: formatNumber(m.placesAgeHours) })})` : '')] : null,
      ageRange(svc.minAge ?? null, svc.maxAge ?? null) ? [h('dt', { class: 'col-sm-4' }, t('finder.age')), h('dd', { class: 'col-sm-8' }, ageRange(svc.minAge ?? null, svc.maxAge ?? null))] : null,
      svc.openingHours.length ? [h('dt', { class: 'col-sm-4' }, t('finder.hours')), h('dd', { class: 'col-sm-8' },
        open != null ? h('span', { class: `badge ${open ? 'bg-success' : 'bg-secondary'} me-2` }, open ? t('finder.openNow') : t('finder.closedNow')) : null,
        svc.openingHours.map((o) => `${label('day', o.day)} ${o.opens}–${o.closes}`).join('; '))] : null,
      svc.languages.length ? [h('dt', { class: 'col-sm-4' }, t('finder.languagesSpoken')), h('dd', { class: 'col-sm-8' }, svc.languages.map((l) => names.of(l) ?? l).join(', '))] : null,
      svc.requiredDocuments.length ? [h('dt', { class: 'col-sm-4' }, t('finder.documents')), h('dd', { class: 'col-sm-8' }, svc.requiredDocuments.join(', '))] : null,
      [h('dt', { class: 'col-sm-4' }, t('finder.contacts')), h('dd', { class: 'col-sm-8' },
        [contacts.phone, contacts.email, contacts.website, contacts.address].filter(Boolean).join(' · ') || '—')]),
    session.role() === 'CASE_MANAGER' || session.role() === 'ADMIN' ? referBox(m, s) : null);
  return h('article', { class: 'card result-card', 'aria-labelledby': headingId, 'data-service': svc.id }, body);
}

// referBox refers one of the case manager's open cases to the service, from the card.
function referBox(m: Match, s: Search): HTMLElement {
  const box = h('div', { class: 'no-print mt-3 refer-box' });
  const start = h('button', { type: 'button', class: 'btn btn-outline-primary btn-sm refer-start' }, t('finder.referTo', { name: m.service.name }));
  box.append(start);
  start.addEventListener('click', async () => {
    const selectId = uid('refer-case');
    const select = h('select', { id: selectId, class: 'form-select refer-case' });
    const status = h('div', {});
    try {
      const data = await query(CasesDocument, { filter: { status: 'OPEN' }, first: 50 });
      for (const e of data.cases.edges) select.append(h('option', { value: e.node.id, selected: e.node.id === s.caseId }, `${e.node.code} — ${e.node.needs.map(needLabel).join(', ')}`));
    } catch (err) { box.replaceChildren(errorBox(err)); return; }
    // The person's consent, recorded with the referral: without it the API refuses it.
    const consentId = uid('refer-consent');
    const consent = h('input', { id: consentId, type: 'checkbox', class: 'form-check-input refer-consent' }) as HTMLInputElement;
    const consentBox = h('div', { class: 'form-check mt-2' }, consent,
      h('label', { class: 'form-check-label', for: consentId }, t('finder.referConsent', { name: m.service.name })));
    const send = h('button', { type: 'button', class: 'btn btn-primary btn-sm mt-2 refer-send' }, t('finder.referSend'));
    send.addEventListener('click', async () => {
      send.disabled = true;
      try {
        const given = consent.checked ? { consent: { givenAt: new Date().toISOString(), scope: ['NEEDS', 'STAGE', 'HISTORY'] as ConsentScope[] } } : {};
        const res = await mutate(ReferDocument, { input: { caseId: select.value, toId: m.service.id, needId: m.matchedNeed.id, ...given } });
        const p = res.refer;
        if (p.userErrors.length) status.replaceChildren(userErrorsBox(p.userErrors));
        else status.replaceChildren(success(t('finder.referDone', { status: label('referral', p.referral!.status) })));
      } catch (err) { status.replaceChildren(errorBox(err)); }
      send.disabled = false;
    });
    box.replaceChildren(field(selectId, t('finder.referCase'), select), consentBox, send, status);
    select.focus();
  });
  return box;
}
