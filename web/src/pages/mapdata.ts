// The places of a map: the located actors and services of a zone, as the API gives them for a
// map (mapPlaces: never a confidential service).
import { query } from '../api';
import { MapPlacesDocument } from '../gql/graphql';

export interface Place { id: string; name: string; kind: 'actor' | 'service'; latitude: number; longitude: number; provider?: string }

export async function loadPlaces(zone: string): Promise<Place[]> {
  const data = await query(MapPlacesDocument, { zone });
  const places: Place[] = [];
  for (const a of data.mapPlaces.actors) {
    if (a.location) places.push({ id: a.id, name: a.name, kind: 'actor', ...a.location });
  }
  for (const s of data.mapPlaces.services) {
    if (s.location) places.push({ id: s.id, name: s.name, kind: 'service', provider: s.provider.name, ...s.location });
  }
  return places;
}
