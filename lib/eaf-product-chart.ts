import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { EafApi, EAF_API_DEFAULTS } from './eaf-api';
import { EafFrontend, EAF_FRONTEND_DEFAULTS } from './eaf-frontend';
import { EafWorkloadOptions } from './eaf-workload';
import { ComponentConfig, EnvironmentConfig, mergeResources } from './environment';
import { propertyError } from './errors';
import { Exposure } from './exposure';
import { ProductNamespace } from './product-namespace';

/** Props of {@link EafProductChart}. */
export interface EafProductChartProps extends ChartProps {
  /** Product name, e.g. `dvmm`: prefixes the namespace, secrets, realm and client id. */
  readonly product: string;
  /** The environment to render: what changes at release time. */
  readonly environment: EnvironmentConfig;
  /** Image repositories (without tag) of the product's components. */
  readonly images: { readonly api: string; readonly frontend: string };
  /**
   * Name of the Secret with the API's database `username` and `password`.
   * @default `<product>-db-credentials`
   */
  readonly databaseCredentialsSecret?: string;
  /**
   * Name of the Secret with the API's OIDC `client-secret`.
   * @default `<product>-keycloak-client`
   */
  readonly identityClientSecret?: string;
  /**
   * Further plain environment variables of the API.
   * @default - none
   */
  readonly apiEnv?: Record<string, string>;
}

/**
 * One EAF product in one environment: its namespace, API, frontend and their public hosts.
 * Everything it renders lives below the construct `<product>/<environment>`, so error messages
 * name the environment.
 */
export class EafProductChart extends Chart {
  /** The product's namespace. */
  public readonly productNamespace: ProductNamespace;
  /** The Spring Boot API. */
  public readonly api: EafApi;
  /** The nginx frontend. */
  public readonly frontend: EafFrontend;
  /** The environment this chart renders. */
  public readonly environment: EnvironmentConfig;

  constructor(scope: Construct, id: string, props: EafProductChartProps) {
    const env = props.environment;
    const namespace = env.namespace ?? `${props.product}-${env.name}`;
    super(scope, id, {
      ...props,
      namespace,
      labels: {
        'app.kubernetes.io/part-of': props.product,
        'app.kubernetes.io/managed-by': 'eaf-cdk8s',
        'eaf.io/environment': env.name,
        ...props.labels,
      },
    });
    this.environment = env;
    const root = new Construct(this, env.name);
    this.productNamespace = new ProductNamespace(root, 'namespace', { name: namespace });

    const product = props.product;
    this.api = new EafApi(root, 'api', {
      ...workloadOptions(root, 'components.api', env, env.components.api, props.images.api),
      resources: mergeResources(EAF_API_DEFAULTS.resources, env.components.api.resources),
      springProfile: env.springProfile ?? env.name,
      env: {
        DB_HOST: `${product}-db-rw`,
        DB_PORT: '5432',
        DB_NAME: product,
        KEYCLOAK_URL: `https://${env.hosts.auth}`,
        KEYCLOAK_REALM: product,
        KEYCLOAK_CLIENT_ID: `${product}-api`,
        ...props.apiEnv,
      },
      secretEnv: {
        DB_USER: { secretName: props.databaseCredentialsSecret ?? `${product}-db-credentials`, key: 'username' },
        DB_PASSWORD: { secretName: props.databaseCredentialsSecret ?? `${product}-db-credentials`, key: 'password' },
        KEYCLOAK_CLIENT_SECRET: { secretName: props.identityClientSecret ?? `${product}-keycloak-client`, key: 'client-secret' },
      },
    });
    this.frontend = new EafFrontend(root, 'frontend', {
      ...workloadOptions(root, 'components.frontend', env, env.components.frontend, props.images.frontend),
      resources: mergeResources(EAF_FRONTEND_DEFAULTS.resources, env.components.frontend.resources),
    });

    new Exposure(root, 'frontend-exposure', { name: 'frontend', host: env.hosts.frontend, service: this.frontend.service, options: env.exposure });
    new Exposure(root, 'api-exposure', { name: 'api', host: env.hosts.api, service: this.api.service, options: env.exposure });
  }
}

/** Maps a component's release-time settings onto workload props for the environment's release strategy. */
function workloadOptions(scope: Construct, path: string, env: EnvironmentConfig, component: ComponentConfig, image: string): EafWorkloadOptions {
  const common = { image: component.image ?? image, replicas: component.replicas, autoscaling: component.autoscaling };
  if (env.release.strategy === 'rolling') {
    if (component.tag === undefined) {
      throw propertyError(scope, `${path}.tag`, 'is required when the environment rolls', component.tag, `set ${path}.tag to the image version`);
    }
    return { ...common, tag: component.tag };
  }
  if (component.tags === undefined) {
    throw propertyError(scope, `${path}.tags`, 'is required when the environment releases blue-green', component.tags, `set ${path}.tags.blue and ${path}.tags.green`);
  }
  return {
    ...common,
    blueGreen: {
      activeColor: env.release.activeColor,
      blueTag: component.tags.blue,
      greenTag: component.tags.green,
      idleReplicas: env.release.idleReplicas,
    },
  };
}
