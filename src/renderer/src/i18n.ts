import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { formatNumber } from './format';
import type { Language } from '../../shared/ipc';
import { common as enCommon } from './locales/en/common';
import { customer as enCustomer } from './locales/en/customer';
import { staff as enStaff } from './locales/en/staff';
import { common as esCommon } from './locales/es/common';
import { customer as esCustomer } from './locales/es/customer';
import { staff as esStaff } from './locales/es/staff';

/**
 * i18next with the catalogs in src/renderer/src/locales, one namespace per screen family. Numbers,
 * money and dates go through Intl (src/renderer/src/format.ts) in the same locale.
 *
 * Two pseudo-locales exist for testing layouts, chosen with `?locale=` in the page's URL:
 * `en-XA` makes every string about 40 % longer, `ar-XB` lays the screens out right to left.
 */
export const NAMESPACES = ['common', 'customer', 'staff'] as const;

const catalogs = {
  en: { common: enCommon, customer: enCustomer, staff: enStaff },
  es: { common: esCommon, customer: esCustomer, staff: esStaff },
} as const;

export const PSEUDO_LOCALES = ['en-XA', 'ar-XB'] as const;
export type PseudoLocale = (typeof PSEUDO_LOCALES)[number];
export type ScreenLocale = Language | PseudoLocale;

const RTL_LOCALES = new Set<string>(['ar-XB']);

type Tree = { readonly [key: string]: string | Tree };

/** Applies `change` to every string of a catalog, leaving {{placeholders}} untouched. */
function mapStrings(tree: Tree, change: (text: string) => string): Tree {
  return Object.fromEntries(
    Object.entries(tree).map(([key, value]) => [
      key,
      typeof value === 'string' ? change(value) : mapStrings(value, change),
    ]),
  );
}

function eachTextPart(text: string, change: (part: string) => string): string {
  return text
    .split(/(\{\{[^}]*\}\}|<\/?\d+>)/)
    .map((part, index) => (index % 2 === 1 ? part : change(part)))
    .join('');
}

const ACCENTED: Record<string, string> = { a: 'á', e: 'é', i: 'í', o: 'ö', u: 'ü', A: 'Å', E: 'É', O: 'Ö' };

/** "Check in" → "[Çhéçk íñ ~~~~]": visibly translated and 30–40 % longer, still readable. */
function lengthen(text: string): string {
  if (text.trim() === '') return text;
  const accented = eachTextPart(text, (part) => part.replace(/[aeiouAEO]/g, (c) => ACCENTED[c] ?? c));
  const padding = '~'.repeat(Math.max(2, Math.ceil(text.length * 0.4)));
  return `[${accented} ${padding}]`;
}

/** Marks every run of text as right-to-left, as Chromium's own bidi pseudo-locale does. */
function rightToLeft(text: string): string {
  return eachTextPart(text, (part) => (part.trim() === '' ? part : `\u202e${part}\u202c`));
}

function resourcesFor(locale: ScreenLocale) {
  if (locale === 'en' || locale === 'es') return catalogs[locale];
  const change = locale === 'en-XA' ? lengthen : rightToLeft;
  return Object.fromEntries(
    Object.entries(catalogs.en).map(([namespace, tree]) => [namespace, mapStrings(tree, change)]),
  );
}

export function isRightToLeft(locale: string): boolean {
  return RTL_LOCALES.has(locale);
}

/** The locale the page was opened with (`?locale=`), when it names a pseudo-locale or a language. */
export function localeFromUrl(search: string): ScreenLocale | null {
  const asked = new URLSearchParams(search).get('locale');
  if (asked === 'en' || asked === 'es') return asked;
  return (PSEUDO_LOCALES as readonly string[]).includes(asked ?? '') ? (asked as PseudoLocale) : null;
}

export function createI18n(locale: ScreenLocale): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: false,
    ns: [...NAMESPACES],
    defaultNS: 'common',
    resources: {
      en: catalogs.en,
      es: catalogs.es,
      'en-XA': resourcesFor('en-XA'),
      'ar-XB': resourcesFor('ar-XB'),
    },
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  // `{{count, number}}` in a catalog: the same Intl formatting as the rest of the screens.
  instance.services.formatter?.add('number', (value: unknown, lng: string | undefined) =>
    typeof value === 'number' ? formatNumber(lng ?? 'en', value) : String(value),
  );
  return instance;
}

/** Switches the screens' language and the page's lang and dir with it. */
export function applyLocale(instance: I18n, locale: ScreenLocale, doc: Document = document): void {
  if (instance.language !== locale) void instance.changeLanguage(locale);
  doc.documentElement.lang = locale === 'ar-XB' ? 'ar' : locale === 'en-XA' ? 'en' : locale;
  doc.documentElement.dir = isRightToLeft(locale) ? 'rtl' : 'ltr';
}
