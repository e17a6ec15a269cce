import { fieldPath, leadingField } from '../../lib/core/field-path';

describe('leadingField', () => {
  test.each([
    ['spec.replicas: must be at least 2', 'spec.replicas', 'must be at least 2'],
    ['metadata.annotations["waive.eaf.io/x"]: x: is not a rule', 'metadata.annotations["waive.eaf.io/x"]', 'x: is not a rule'],
    ['spec.template.spec.containers[name=api].image: is required', 'spec.template.spec.containers[name=api].image', 'is required'],
    ['spec.containers[0].args[1]: must be a string', 'spec.containers[0].args[1]', 'must be a string'],
    ['apiVersion/kind: apps/v1beta1 Deployment needs Kubernetes 1.9', 'apiVersion/kind', 'apps/v1beta1 Deployment needs Kubernetes 1.9'],
  ])('splits %j into the field and the rest', (message, field, text) => {
    expect(leadingField(message)).toEqual({ field, text });
  });

  test('reads back every path fieldPath writes', () => {
    const field = fieldPath(['metadata', 'labels', 'app.kubernetes.io/name', 'x y', 0, { name: 'api' }, 'a-b']);
    expect(leadingField(`${field}: is not valid`)).toEqual({ field, text: 'is not valid' });
  });

  test('gives no field for the whole object or a message that names none', () => {
    expect(leadingField('(object): must be an object with apiVersion, kind and metadata')).toEqual({
      text: 'must be an object with apiVersion, kind and metadata',
    });
    expect(leadingField('could not be checked: boom')).toEqual({ text: 'could not be checked: boom' });
  });
});
