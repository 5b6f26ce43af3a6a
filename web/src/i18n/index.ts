// Languages: Italian by default, English selectable; every string of the app comes from the
// catalogues. Dates and times are shown in Europe/Rome, numbers in the language's format.
import { it, type MessageKey } from './it';
import { en } from './en';

export type Lang = 'it' | 'en';
const catalogues: Record<Lang, Record<MessageKey, string>> = { it, en };
const LANG_KEY = 'snodo.lang';
export const TIME_ZONE = 'Europe/Rome';

let current: Lang = readLang();

function readLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_KEY);
    if (v === 'en' || v === 'it') return v;
  } catch { /* storage may be off */ }
  return 'it';
}

export function lang(): Lang { return current; }

export function setLang(l: Lang): void {
  current = l;
  try { localStorage.setItem(LANG_KEY, l); } catch { /* storage may be off */ }
  document.documentElement.lang = l;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const msg = catalogues[current][key] ?? key;
  return msg.replace(/\{(\w+)\}/g, (_, p: string) => (p in params ? String(params[p]) : `{${p}}`));
}

// has tells whether a dynamic key (an enum value's) is in the catalogue.
export function has(key: string): key is MessageKey { return key in it; }

// label is the catalogue's word for an enum value: label('channel', 'SHELTER').
export function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : value;
}

// errorSentence is the plain sentence for an API error code, in the current language.
export function errorSentence(code: string): string {
  const key = `error.${code}`;
  return has(key) ? t(key) : t('error.unknown', { code });
}

const locale = (): string => (current === 'it' ? 'it-IT' : 'en-GB');

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(new Date(iso));
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  // A bare date (YYYY-MM-DD) is a calendar day: shown as it is, not shifted by a time zone.
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00Z`) : new Date(iso);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: TIME_ZONE }).format(d);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(current === 'it' ? 'it-IT' : 'en-GB').format(n);
}

// needLabel picks the need's label of the current language.
export function needLabel(n: { labelIt: string; labelEn: string }): string {
  return current === 'it' ? n.labelIt : n.labelEn;
}

// romeNow is the date and time now in Europe/Rome as the value of a datetime-local input.
export function romeNow(): string {
  const parts = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date());
  return parts.replace(' ', 'T');
}

// romeToISO turns a datetime-local value read as Europe/Rome time into an RFC 3339 instant.
export function romeToISO(local: string): string {
  const [d, tm] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [hh, mm] = tm.split(':').map(Number);
  const guess = Date.UTC(y, mo - 1, da, hh, mm);
  // The offset of Rome at that instant: format the guess in Rome and compare.
  const shown = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(guess));
  const [sd, st] = shown.split(' ');
  const [sy, smo, sda] = sd.split('-').map(Number);
  const [sh, sm] = st.split(':').map(Number);
  const offset = Date.UTC(sy, smo - 1, sda, sh, sm) - guess;
  return new Date(guess - offset).toISOString();
}
