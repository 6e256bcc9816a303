// A row field's name as the conflict dialog shows it. English keeps the shared contract's own
// labels (fieldLabel: one table for every field); other languages translate the common fields
// and fall back to that label for the rest.
import { fieldLabel, type CollectionName } from '@wikisync/shared';
import { currentLocale, i18n, t } from './index';

export function fieldName(collection: CollectionName, field: string): string {
  const key = `fields.${field}`;
  if (currentLocale() === 'en' || !i18n.global.te(key)) return fieldLabel(collection, field);
  return t(key);
}
