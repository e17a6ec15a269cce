const CRON_FIELDS: Array<{ name: string; min: number; max: number; names?: string[] }> = [
  { name: 'seconds', min: 0, max: 59 },
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/**
 * Checks a cron expression the way CloudNativePG's scheduler (robfig/cron with seconds) reads it:
 * exactly 6 fields, each `*`, `?`, a value, a range `a-b`, a list `a,b` or a step `x/n`.
 * @returns what is wrong, or undefined when the expression is valid
 */
export function checkCnpgCron(expression: string): string | undefined {
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(expression)) return undefined;
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) return `it has ${fields.length} fields`;
  for (let i = 0; i < 6; i++) {
    const spec = CRON_FIELDS[i];
    const value = (text: string) => {
      const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
      const n = index >= 0 ? index + spec.min : /^\d+$/.test(text) ? Number(text) : NaN;
      return n >= spec.min && n <= spec.max ? n : undefined;
    };
    for (const part of fields[i].split(',')) {
      const [range, step] = part.split('/');
      if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${spec.name} has a bad step in "${part}"`;
      if (range === '*' || range === '?') continue;
      const [low, high] = range.split('-');
      if (value(low) === undefined || (high !== undefined && (value(high) === undefined || value(high)! < value(low)!))) {
        return `${spec.name} "${part}" is outside ${spec.min}-${spec.max}`;
      }
    }
  }
  return undefined;
}
