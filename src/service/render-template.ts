import { AppError } from './errors.ts';

/**
 * Replaces every {{KEY}} in a template. A placeholder without a value is an error rather than an
 * empty string, so a renamed key cannot silently produce a broken broker or connector config.
 */
export function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (placeholder, key: string) => {
    const value = values[key];
    if (value === undefined) throw new AppError('INTERNAL', `no value for placeholder ${placeholder}`);
    return value;
  });
}
