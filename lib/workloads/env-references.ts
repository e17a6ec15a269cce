import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { PropertyError } from '../core/errors';

/**
 * The product's environment values that refer to other variables (`$(DB_HOST)`). Kubernetes expands a reference only to
 * a variable defined earlier in the container's list, and leaves it as written otherwise, without a word. The library
 * sets its own variables (`DB_*`, the identity provider's) when a workload is connected, after the product's, so a
 * value that refers to them is moved to the end of the list: after everything the library adds.
 */
const REFERENCE = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

/** The names a value refers to with `$(NAME)` (`$$(NAME)` is an escaped, literal `$(NAME)`). */
export function referencedNames(value: string): string[] {
  return [...value.replace(/\$\$\(/g, '').matchAll(REFERENCE)].map((m) => m[1]);
}

/** The product's variables whose values refer to others: they go last (see {@link appendReferencingEnv}). */
export function referencingEnv(env: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).filter(([, value]) => referencedNames(value).length > 0));
}

/**
 * Appends the referencing variables to the first container of a pod template when the object is rendered, that is,
 * after every variable the library added while the chart was composed (JSON patches apply last).
 */
export function appendReferencingEnv(resource: ApiObject, env: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(env)) resource.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env/-', { name, value }));
}

/**
 * Refuses, when the chart is complete, a reference to a variable the container does not set: Kubernetes would pass the
 * text `$(NAME)` to the application as it is.
 */
export function checkEnvReferences(scope: Construct, env: Readonly<Record<string, string>>, names: () => readonly string[]): void {
  scope.node.addValidation({
    validate: () => {
      const known = new Set(names());
      return Object.entries(env).flatMap(([name, value]) =>
        referencedNames(value)
          .filter((ref) => !known.has(ref) || ref === name)
          .map(
            (ref) =>
              new PropertyError(
                scope,
                `env.${name}`,
                `refers to $(${ref}), which ${ref === name ? 'is the variable itself' : 'the container does not set'}`,
                value,
                `refer to a variable the container sets (the product's env, or DB_* and the identity variables of its connections), ` +
                  'or write $$( for a literal $(',
              ).message,
          ),
      );
    },
  });
}
