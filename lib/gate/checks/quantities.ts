// The quantity rule: every quantity in the canonical form the API server stores.
import { fieldPath } from '../../core/field-path';
import { canonicalQuantity as canonicalForm, quantityFields } from '../../core/quantity';
import { RawFinding, RuleCheck } from '../rule-context';

// ---- canonical-quantity ---------------------------------------------------------------------------------

export const canonicalQuantity: RuleCheck = (ctx) =>
  ctx.set.objects.flatMap((object, index) =>
    quantityFields(object).flatMap(({ path, value }): RawFinding[] => {
      const canonical = canonicalForm(String(value));
      // Not a quantity at all: the schema rules report it.
      if (canonical === undefined || canonical === value) return [];
      const field = fieldPath(path);
      const problem =
        typeof value === 'number'
          ? `is a number; the API server stores the string ${JSON.stringify(canonical)}`
          : `is not in the canonical form the API server stores (${canonical}): a standing diff in Argo CD`;
      return [{ index, rule: 'canonical-quantity', message: `${field}: ${problem}`, value, fix: `set ${field} to "${canonical}"` }];
    }),
  );
