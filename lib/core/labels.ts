/** Labels and context keys the constructs state explicitly, so the gate and tools read facts instead of guessing from names. */

/** Label that carries a pod's colour in blue-green releases. */
export const COLOR_LABEL = 'eaf.io/color';

/**
 * Label on a Service that selects the idle colour of a blue-green release (`"true"`), for smoke tests
 * before the switch. The gate reads it: a Deployment scaled to 0 that only a preview Service selects is an
 * idle colour, not a production workload.
 */
export const PREVIEW_LABEL = 'eaf.io/preview';

/**
 * Construct context key set by a product chart for a critical environment (real data): constructs below it
 * then refuse what the production rules refuse (e.g. image tags that are not released versions).
 */
export const CRITICAL_CONTEXT = '@eaf/cdk8s:critical';

/**
 * Context key of the scrape interval every PodMonitor of a chart uses unless it sets its own (the product chart sets it
 * from `observability.monitoring.scrapeInterval`).
 */
export const SCRAPE_INTERVAL_CONTEXT = '@eaf/cdk8s:scrape-interval';

/**
 * Construct context key with the platform's own reserved namespaces (a string array), beside the system ones
 * that are always refused (`default`, `kube-*`, `openshift*`).
 */
export const RESERVED_NAMESPACES_CONTEXT = '@eaf/cdk8s:reservedNamespaces';

/**
 * Construct context: the environments whose files the program could not read (their own errors are reported). A
 * setting that names one of them (`recovery.environment`, `restoreDrill.source.environment`) adds no second error.
 */
export const UNREADABLE_ENVIRONMENTS_CONTEXT = '@eaf/cdk8s:unreadableEnvironments';
