// Places: an operator takes or frees a place (a delta, applied to the latest count) or reports
// the count with the version read, so that a report made on stale data is refused and said so.
import { h, uid } from '../dom';
import { formatDateTime, formatNumber, t } from '../i18n';
import { mutate, query } from '../api';
import { MyServicesDocument, UpdatePlacesDocument, type MyServicesQuery, type UpdatePlacesInput } from '../gql/graphql';
import type { Page } from '../router';
import { session } from '../session';
import { errorBox, into, success, userErrorsBox } from '../ui';

type Svc = MyServicesQuery['services']['edges'][number]['node'];

export const page: Page = {
  title: () => t('places.title'),
  async render() {
    const list = h('div', { id: 'places-list' });
    const actor = session.viewer()?.actor;
    const root = h('div', {}, h('h1', {}, t('places.title')), h('p', {}, t('places.intro')), list);
    if (!actor) { list.append(h('p', {}, t('places.noActor'))); return root; }
    const load = (): Promise<void> => into(list, async () => {
      const data = await query(MyServicesDocument, { provider: actor.id });
      const svcs = data.services.edges.map((e) => e.node).filter((s) => s.capacity != null);
      if (svcs.length === 0) return h('p', {}, t('places.none'));
      return h('div', { class: 'row g-3' }, svcs.map((s) => h('div', { class: 'col-12 col-lg-6' }, placesCard(s, load))));
    });
    void load();
    return root;
  },
};

function placesCard(initial: Svc, reload: () => Promise<void>): HTMLElement {
  let svc = initial;
  const headingId = uid('svc');
  const card = h('article', { class: 'card result-card', 'aria-labelledby': headingId, 'data-service': svc.id });
  const status = h('div', { class: 'mt-2' });
  const send = async (input: UpdatePlacesInput): Promise<void> => {
    try {
      const res = await mutate(UpdatePlacesDocument, { input });
      const p = res.updateServicePlaces;
      if (p.userErrors.length) {
        const stale = p.userErrors.some((e) => e.code === 'VERSION_CONFLICT');
        status.replaceChildren(userErrorsBox(p.userErrors), stale
          ? h('div', { class: 'alert alert-warning', role: 'alert', 'data-stale': 'true' }, t('places.stale'), ' ',
            h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary', onclick: () => void reload() }, t('places.reload')))
          : '');
        return;
      }
      svc = p.service!;
      draw();
      status.replaceChildren(success(t('places.saved', { free: formatNumber(svc.freePlaces ?? 0) })));
    } catch (err) { status.replaceChildren(errorBox(err)); }
  };
  const draw = (): void => {
    const countId = uid('count');
    const count = h('input', { id: countId, type: 'number', min: '0', max: String(svc.capacity ?? 0), class: 'form-control', value: String(svc.freePlaces ?? 0), inputmode: 'numeric' });
    card.replaceChildren(h('div', { class: 'card-body' },
      h('h2', { id: headingId, class: 'h5 card-title' }, svc.name),
      h('p', { class: 'fs-4 mb-1', 'data-free': String(svc.freePlaces ?? 0), 'data-version': String(svc.version) },
        t('places.count', { free: formatNumber(svc.freePlaces ?? 0), capacity: formatNumber(svc.capacity ?? 0) })),
      h('p', { class: 'small text-muted' }, svc.placesUpdatedAt ? t('places.updated', { date: formatDateTime(svc.placesUpdatedAt) }) : '', ' · ', t('places.version', { v: svc.version })),
      h('div', { class: 'd-flex flex-wrap gap-2 mb-3' },
        h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-action': 'take', onclick: () => void send({ serviceId: svc.id, delta: -1 }) }, t('places.take')),
        h('button', { type: 'button', class: 'btn btn-outline-primary btn-sm', 'data-action': 'release', onclick: () => void send({ serviceId: svc.id, delta: 1 }) }, t('places.release'))),
      h('form', {
        class: 'd-flex align-items-end gap-2', 'data-action': 'report',
        onsubmit: (e: Event) => { e.preventDefault(); void send({ serviceId: svc.id, freePlaces: Number(count.value), version: svc.version }); },
      },
        h('div', {}, h('label', { for: countId, class: 'form-label' }, t('places.reportLabel')), count),
        h('button', { type: 'submit', class: 'btn btn-outline-primary btn-sm' }, t('places.report'))),
      status));
  };
  draw();
  return card;
}
