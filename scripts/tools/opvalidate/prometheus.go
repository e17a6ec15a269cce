package main

import (
	"fmt"

	validationv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/alertmanager/validation/v1alpha1"
	validationv1beta1 "github.com/prometheus-operator/prometheus-operator/pkg/alertmanager/validation/v1beta1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	monitoringv1beta1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1beta1"
	"github.com/prometheus-operator/prometheus-operator/pkg/operator"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
)

// checkPrometheusRule runs operator.ValidateRule as the operator's admission webhook does (pkg/admission,
// validatePrometheusRules) with its defaults (cmd/admission-webhook: -name-validation-scheme=legacy, no
// -promql-options): the rules are parsed by Prometheus' own rulefmt and PromQL parser.
func checkPrometheusRule(o *object, _ *index) []string {
	rule, err := decode[monitoringv1.PrometheusRule](o)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, e := range operator.ValidateRule(rule.Spec, model.LegacyValidation, parser.Options{}) {
		out = append(out, e.Error())
	}
	return out
}

// checkAlertmanagerConfig runs the webhook's ValidateAlertmanagerConfig of the object's version (pkg/admission,
// validateAlertmanagerConfig).
func checkAlertmanagerConfig(o *object, _ *index) []string {
	var err error
	switch o.version() {
	case "v1alpha1":
		var amc *monitoringv1alpha1.AlertmanagerConfig
		if amc, err = decode[monitoringv1alpha1.AlertmanagerConfig](o); err == nil {
			err = validationv1alpha1.ValidateAlertmanagerConfig(amc)
		}
	case "v1beta1":
		var amc *monitoringv1beta1.AlertmanagerConfig
		if amc, err = decode[monitoringv1beta1.AlertmanagerConfig](o); err == nil {
			err = validationv1beta1.ValidateAlertmanagerConfig(amc)
		}
	default:
		err = fmt.Errorf("expected resource version to be 'v1alpha1' or 'v1beta1', but received %v", o.version())
	}
	if err != nil {
		return []string{err.Error()}
	}
	return nil
}
