// Map: where the actors and services of a territory are, drawn with Leaflet (loaded by this
// page only) on the tile server configured with SNODO_MAP_TILES; without one, the page says so
// and lists the places. Confidential services are never in the data the page gets: the API
// gives them no location.
import { h, uid } from '../dom';
import { formatNumber, t } from '../i18n';
import { onLeave, type Page, type PageContext } from '../router';
import { session } from '../session';
import { pickedZone, zoneForm } from '../widgets';
import { loadPlaces, type Place } from './mapdata';

export const page: Page = {
  title: () => t('map.title'),
  async render(ctx: PageContext) {
    const initial = pickedZone(ctx.query, 'name');
    const form = zoneForm({
      name: 'map', initial,
      text: { zone: t('map.zone'), pick: t('map.pickZone'), show: t('map.show') },
      cols: { zone: 'col-12 col-md-8', button: 'col-12 col-md-4' },
    });
    const root = h('div', {}, h('h1', {}, t('map.title')), h('p', {}, t('map.intro')), form);
    const tiles = session.config.mapTiles;
    if (!tiles) root.append(h('div', { class: 'alert alert-info', id: 'map-none', role: 'status' }, t('map.noTiles')));
    if (!initial) return root;
    const places = await loadPlaces(initial.id);
    if (places.length === 0) { root.append(h('p', { id: 'map-empty' }, t('map.none'))); return root; }
    if (tiles) root.append(await mapView(tiles, places));
    root.append(placesTable(places));
    return root;
  },
};

async function mapView(tiles: string, places: Place[]): Promise<HTMLElement> {
  const [{ default: L }] = await Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css'), import('./map.css')]);
  const box = h('div', { id: 'map', role: 'region', 'aria-label': t('map.label') });
  const wrap = h('div', {}, h('p', { class: 'small', id: 'map-count' }, t('map.count', { n: formatNumber(places.length) })), box);
  requestAnimationFrame(() => {
    const map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
    const bounds = L.latLngBounds([]);
    for (const p of places) {
      const ll = L.latLng(p.latitude, p.longitude);
      bounds.extend(ll);
      L.circleMarker(ll, {
        radius: p.kind === 'service' ? 7 : 9, weight: 2,
        color: p.kind === 'service' ? '#a61d37' : '#004d99', fillColor: p.kind === 'service' ? '#d9364f' : '#0066cc', fillOpacity: 0.8,
        className: `place place-${p.kind}`,
      }).bindTooltip(p.provider ? `${p.name} (${p.provider})` : p.name).addTo(map);
    }
    map.fitBounds(bounds.pad(0.2), { maxZoom: 13 });
    box.dataset.markers = String(places.length);
    box.dataset.ready = 'true';
    onLeave(() => map.remove());
  });
  return wrap;
}

function placesTable(places: Place[]): HTMLElement {
  const id = uid('places');
  return h('section', { class: 'mt-4', 'aria-labelledby': id },
    h('h2', { class: 'h4', id }, t('map.list')),
    h('table', { class: 'table table-sm', id: 'map-places' },
      h('thead', {}, h('tr', {}, [t('map.name'), t('map.kind'), t('map.where')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, places.map((p) => h('tr', { 'data-id': p.id, 'data-kind': p.kind },
        h('td', {}, p.kind === 'service' ? h('a', { href: `/services/${encodeURIComponent(p.id)}` }, p.name) : p.name,
          p.provider ? h('span', { class: 'small text-muted' }, ` · ${p.provider}`) : ''),
        h('td', {}, p.kind === 'service' ? t('map.kindService') : t('map.kindActor')),
        h('td', {}, `${p.latitude.toFixed(4)}, ${p.longitude.toFixed(4)}`))))));
}
