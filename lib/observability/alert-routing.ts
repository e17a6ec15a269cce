import { Construct } from 'constructs';
import * as am from '../../imports/monitoring-alertmanagerconfig-monitoring.coreos.com';
import { PropertyProblems } from '../core/errors';
import { deepFreeze } from '../core/freeze';
import { SecretKeyReference } from '../core/secrets';

/** A receiver of alerts; every URL and key comes from a Secret, by reference. */
export type AlertReceiver =
  | { readonly kind: 'pagerduty'; /** The Events API v2 integration (routing) key. */ readonly routingKey: SecretKeyReference }
  | {
      readonly kind: 'slack';
      /** The incoming-webhook URL. */ readonly webhookUrl: SecretKeyReference;
      /** @default - the webhook's channel */ readonly channel?: string;
    }
  | { readonly kind: 'webhook'; /** The URL alerts are posted to. */ readonly url: SecretKeyReference };

/** Defaults of {@link AlertRouting}. Frozen: override through props. */
export const ALERT_ROUTING_DEFAULTS = deepFreeze({
  /** Labels alerts are grouped by into one notification. */
  groupBy: ['alertname', 'environment'],
  /** How often a still-firing group is sent again. */
  repeatInterval: '4h',
});

/** Props of {@link AlertRouting}. */
export interface AlertRoutingProps {
  /** Name of the AlertmanagerConfig. */
  readonly name: string;
  /** Where `severity=critical` alerts go (pages someone). @default - to `chat` */
  readonly paging?: AlertReceiver;
  /** Where every other alert goes (a chat channel, a ticket queue). @default - to `paging` */
  readonly chat?: AlertReceiver;
  /** Labels alerts are grouped by into one notification. @default ['alertname', 'environment'] */
  readonly groupBy?: readonly string[];
  /** How often a still-firing group is sent again. @default '4h' */
  readonly repeatInterval?: string;
}

/**
 * An AlertmanagerConfig for one product environment: critical alerts to the paging receiver, the rest to the chat
 * receiver, grouped by alert and environment. The Prometheus operator confines it to the namespace's alerts.
 */
export class AlertRouting extends Construct {
  /** The rendered AlertmanagerConfig. */
  public readonly resource: am.AlertmanagerConfig;

  constructor(scope: Construct, id: string, props: AlertRoutingProps) {
    super(scope, id);
    const problems = new PropertyProblems(this);
    if (props.paging === undefined && props.chat === undefined) {
      problems.add('paging', 'needs a receiver: neither paging nor chat is set', undefined, 'set paging (critical alerts) and/or chat (the others)');
    }
    problems.throwIfAny();
    const receivers = [...(props.paging ? [receiver('paging', props.paging)] : []), ...(props.chat ? [receiver('chat', props.chat)] : [])];
    const critical = { name: 'severity', value: 'critical', matchType: am.AlertmanagerConfigSpecRouteMatchersMatchType.VALUE_EQUALS };
    this.resource = new am.AlertmanagerConfig(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        route: {
          receiver: props.chat ? 'chat' : 'paging',
          groupBy: [...(props.groupBy ?? ALERT_ROUTING_DEFAULTS.groupBy)],
          groupWait: '30s',
          groupInterval: '5m',
          repeatInterval: props.repeatInterval ?? ALERT_ROUTING_DEFAULTS.repeatInterval,
          routes: props.paging && props.chat ? [{ receiver: 'paging', matchers: [critical] }] : undefined,
        },
        receivers,
      },
    });
  }
}

function receiver(name: string, r: AlertReceiver): am.AlertmanagerConfigSpecReceivers {
  const secret = (ref: SecretKeyReference) => ({ name: ref.secretName, key: ref.key });
  switch (r.kind) {
    case 'pagerduty':
      return { name, pagerdutyConfigs: [{ routingKey: secret(r.routingKey), sendResolved: true }] };
    case 'slack':
      return { name, slackConfigs: [{ apiUrl: secret(r.webhookUrl), channel: r.channel, sendResolved: true }] };
    case 'webhook':
      return { name, webhookConfigs: [{ urlSecret: secret(r.url), sendResolved: true }] };
  }
}
