import { ADMISSION_RULES, admissionPolicies, GATE_ONLY_RULES, Manifest, VALIDATION_RULES, validationRulesTable } from '../../lib/gate';

const OPTIONS = { name: 'shop-production', namespaces: ['shop-production', 'shop-drill'], critical: true, exposedServices: [] };

/** The policy of a rule among rendered objects. */
function policyOf(objects: Manifest[], rule: string): Manifest {
  const policy = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.labels['eaf.io/rule'] === rule);
  if (policy === undefined) throw new Error(`no policy for ${rule}`);
  return policy;
}

describe('the gate rules at admission', () => {
  test('every rule of the gate is either checked at admission or listed with why it is not, never both', () => {
    const admitted = ADMISSION_RULES.map((r) => r.rule);
    const gateOnly = Object.keys(GATE_ONLY_RULES);
    expect(admitted.filter((r) => gateOnly.includes(r))).toEqual([]);
    expect([...admitted, ...gateOnly].sort()).toEqual(VALIDATION_RULES.map((r) => r.id).sort());
  });

  test('renders the policies of a critical and a non-critical environment as reviewed (the snapshot shows every change of CEL or text)', () => {
    // GIVEN a critical environment with registries, and a non-critical one that exposes a Service and lists none
    const critical = admissionPolicies({ ...OPTIONS, allowedRegistries: ['registry.eaf.example.com/', 'quay.io/eaf/'] });
    const nonCritical = admissionPolicies({ name: 'shop-dev', namespaces: ['shop-dev'], critical: false, exposedServices: ['mqtt', 'amqp'] });
    // THEN their policies and bindings are the reviewed ones
    expect({ critical, nonCritical }).toMatchSnapshot();
  });

  test('renders one policy and one denying binding a rule, scoped to the namespaces by name', () => {
    // GIVEN an environment with registries WHEN its policies are rendered
    const objects = admissionPolicies({ ...OPTIONS, allowedRegistries: ['registry.eaf.example.com/'] });
    // THEN each rule has a policy and a binding of the same name
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      ADMISSION_RULES.flatMap((r) => [
        `ValidatingAdmissionPolicy/eaf-shop-production-${r.rule}`,
        `ValidatingAdmissionPolicyBinding/eaf-shop-production-${r.rule}`,
      ]),
    );
    const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')!;
    expect(binding.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(binding.spec).toEqual({
      policyName: 'eaf-shop-production-pss-restricted',
      validationActions: ['Deny'],
      matchResources: {
        namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop-drill', 'shop-production'] }] },
      },
    });
    // AND every policy fails closed and matches namespaced objects only, on create and update
    for (const policy of objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy')) {
      expect(policy.spec.failurePolicy).toBe('Fail');
      for (const rule of policy.spec.matchConstraints.resourceRules) {
        expect(rule).toMatchObject({ operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' });
      }
    }
  });

  test('each denial names its rule and the fix; the message expression names the object too', () => {
    for (const policy of admissionPolicies(OPTIONS).filter((o) => o.kind === 'ValidatingAdmissionPolicy')) {
      const rule = policy.metadata.labels['eaf.io/rule'];
      for (const validation of policy.spec.validations) {
        expect(validation.message).toMatch(new RegExp(`^\\[${rule}\\] .+; fix: .+$`));
        expect(validation.messageExpression).toContain(`"[${rule}] " + object.kind + ' ' + object.metadata.name + ": `);
      }
    }
  });

  test('a waivable rule skips an object with a valid waiver; an unwaivable rule has no such condition', () => {
    const objects = admissionPolicies(OPTIONS);
    expect(policyOf(objects, 'read-only-root-filesystem').spec.matchConditions).toContainEqual({
      name: 'not-waived',
      expression:
        "!has(object.metadata.annotations) || !('waive.eaf.io/read-only-root-filesystem' in object.metadata.annotations) || " +
        "size(object.metadata.annotations['waive.eaf.io/read-only-root-filesystem'].trim()) < 10",
    });
    for (const rule of ['pss-restricted', 'service-account-token', 'service-exposure', 'rbac-least-privilege']) {
      expect(policyOf(objects, rule).spec.matchConditions.map((c: { name: string }) => c.name)).toEqual(['not-a-controller']);
    }
  });

  test("the environment's exposed Services, criticality and registries shape their policies", () => {
    // GIVEN a non-critical environment that exposes mqtt and lists no registries
    const objects = admissionPolicies({ ...OPTIONS, critical: false, exposedServices: ['mqtt'] });
    // THEN service-exposure skips mqtt by name
    expect(policyOf(objects, 'service-exposure').spec.matchConditions).toContainEqual({
      name: 'not-declared',
      expression: "!(object.metadata.name in ['mqtt'])",
    });
    // AND image-tag-pinned refuses only latest and missing tags, where a critical environment needs a version
    expect(policyOf(objects, 'image-tag-pinned').spec.validations[0].expression).toContain("!c.image.endsWith(':latest')");
    expect(policyOf(admissionPolicies(OPTIONS), 'image-tag-pinned').spec.validations[0].expression).toContain('[0-9]+[.][0-9]+[.][0-9]+');
    // AND there is no registry policy without registries
    expect(objects.some((o) => o.metadata.labels['eaf.io/rule'] === 'image-registry-allowed')).toBe(false);
    expect(policyOf(admissionPolicies(OPTIONS), 'service-exposure').spec.matchConditions.map((c: { name: string }) => c.name)).toEqual([
      'not-a-controller',
    ]);
  });

  test('an environment that lists registries but none at all refuses every image, and says so', () => {
    // GIVEN registries: [] WHEN the policies are rendered
    const [validation] = policyOf(admissionPolicies({ ...OPTIONS, allowedRegistries: [] }), 'image-registry-allowed').spec.validations;
    // THEN no prefix lets an image pass, and the denial names none
    expect(validation.expression).toBe('variables.allContainers.all(c, !has(c.image) || [].exists(p, c.image.startsWith(p)))');
    expect(validation.message).toBe(
      '[image-registry-allowed] every image must come from an allowed registry (none); ' +
        'fix: pull the image from an allowed registry (mirror it there first)',
    );
  });

  test("the docs' rule table says of each rule whether admission checks it", () => {
    const lines = validationRulesTable({ admission: true }).split('\n');
    expect(lines.slice(0, 2)).toEqual(['| rule | requires | fix | waivable | admission |', '| --- | --- | --- | --- | --- |']);
    expect(lines.find((l) => l.startsWith('| `read-only-root-filesystem`'))).toMatch(/\| yes \| yes \|$/);
    expect(lines.find((l) => l.startsWith('| `rbac-least-privilege`'))).toMatch(/\| no \| partly: the gate alone refuses cluster-scoped RBAC .* \|$/);
    expect(lines.find((l) => l.startsWith('| `egress-internet`'))).toMatch(/\| yes \| no: needs the union of address ranges .* \|$/);
  });
});
