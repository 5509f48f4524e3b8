/**
 * Every string on the screens comes from a catalog: English is the source, every other language is
 * checked against its shape at compile time (a missing or extra key is a type error), so a
 * translation can never silently fall back to English.
 */
export type CatalogShape<T> = { [K in keyof T]: T[K] extends string ? string : CatalogShape<T[K]> };
