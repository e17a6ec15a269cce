/**
 * Value formats checked both by the environment-file schema (as strings) and by the constructs (as
 * regular expressions), kept in one place.
 */

/** A lower-case DNS name (RFC 1123 subdomain), e.g. `api.example.com`. */
export const DNS_NAME_PATTERN = '^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$';

/** An image tag as registries accept it, e.g. `1.4.2`. */
export const IMAGE_TAG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$';

/** An image digest, e.g. `sha256:<64 hex>`. */
export const IMAGE_DIGEST_PATTERN = '^sha256:[a-f0-9]{64}$';
