import { z } from 'zod';
import { CurrencySchema } from './money';
import { CountryCodeSchema } from './phone';
import { TimeZoneSchema } from './time';

/** What a till must know about its store: how to read phone numbers, money and dates there. */
export const StoreSettingsSchema = z.strictObject({
  country: CountryCodeSchema,
  currency: CurrencySchema,
  timeZone: TimeZoneSchema,
});
export type StoreSettings = z.infer<typeof StoreSettingsSchema>;
