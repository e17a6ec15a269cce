// The rules as a Markdown table for docs/gate.md: what each requires, its fix, whether it can be waived, and
// (on request) whether admission checks it too. Apart from rules.ts, which admission/ reads.
import { ADMISSION_RULES, GATE_ONLY_RULES } from './admission';
import { VALIDATION_RULES, ValidationRule } from './rules';

/** What the admission column says of a rule: yes, partly (and what the gate alone checks), or no (and why). */
function admissionCell(rule: ValidationRule): string {
  const admitted = ADMISSION_RULES.find((a) => a.rule === rule.id);
  if (admitted !== undefined) return admitted.gateOnly === '' ? 'yes' : `partly: ${admitted.gateOnly}`;
  return `no: ${GATE_ONLY_RULES[rule.id] ?? 'not expressed'}`;
}

/** Options of {@link validationRulesTable}. */
export interface RulesTableOptions {
  /**
   * Adds a column saying whether the rule's ValidatingAdmissionPolicy checks it in the cluster too.
   * @default false
   */
  readonly admission?: boolean;
}

/** The rules as a Markdown table (rule, what it requires, fix, waivable, and admission when asked), for the docs. */
export function validationRulesTable(options: RulesTableOptions = {}): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const admission = options.admission === true;
  return [
    `| rule | requires | fix | waivable |${admission ? ' admission |' : ''}`,
    `| --- | --- | --- | --- |${admission ? ' --- |' : ''}`,
    ...VALIDATION_RULES.map(
      (r) =>
        `| \`${r.id}\` | ${cell(r.description)} | ${cell(r.fix)} | ${r.waivable ? 'yes' : 'no'} |` +
        (admission ? ` ${cell(admissionCell(r))} |` : ''),
    ),
  ].join('\n');
}
