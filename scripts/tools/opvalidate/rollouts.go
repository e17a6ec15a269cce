package main

import (
	"fmt"

	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/v1alpha1"
	"github.com/argoproj/argo-rollouts/pkg/apis/rollouts/validation"
	analysisutil "github.com/argoproj/argo-rollouts/utils/analysis"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// checkRollout runs what the Rollouts controller runs on every reconcile (rollout/controller.go, newRolloutContext and
// getRolloutReferencedResources): ValidateRollout, then ValidateRolloutReferencedResources on the Services and
// AnalysisTemplates the Rollout names. The controller reads those from its informers; here they come from the same
// folder, and one that is missing is reported with the controller's own message (it sets InvalidSpec).
func checkRollout(o *object, ix *index) []string {
	ro, err := decode[v1alpha1.Rollout](o)
	if err != nil {
		return []string{err.Error()}
	}
	out := errorList(withoutSkew(validation.ValidateRollout(ro)))
	refs, missing := rolloutReferences(o, ro, ix)
	out = append(out, missing...)
	return append(out, errorList(validation.ValidateRolloutReferencedResources(ro, refs))...)
}

// rolloutReferences mirrors getReferencedServices and getReferencedRolloutAnalyses of rollout/controller.go
// (unexported there), reading from the folder instead of informers.
func rolloutReferences(o *object, ro *v1alpha1.Rollout, ix *index) (validation.ReferencedResources, []string) {
	var refs validation.ReferencedResources
	var missing []string
	service := func(name string, t validation.ServiceType) {
		if name == "" {
			return
		}
		found := ix.find(o.dir, "Service", ro.Namespace, name)
		if found == nil {
			missing = append(missing, field.Invalid(validation.GetServiceWithTypeFieldPath(t), name,
				fmt.Sprintf("services %q not found (in this folder)", name)).Error())
			return
		}
		svc, err := decode[corev1.Service](found)
		if err != nil {
			missing = append(missing, err.Error())
			return
		}
		refs.ServiceWithType = append(refs.ServiceWithType, validation.ServiceWithType{Service: svc, Type: t})
	}
	analysis := func(a *v1alpha1.RolloutAnalysis, args []v1alpha1.AnalysisRunArgument, t validation.AnalysisTemplateType, step int) {
		if a == nil {
			return
		}
		with := validation.AnalysisTemplatesWithType{TemplateType: t, CanaryStepIndex: step, Args: args}
		fld := validation.GetAnalysisTemplateWithTypeFieldPath(t, step)
		for _, ref := range a.Templates {
			kind := "AnalysisTemplate"
			if ref.IsClusterScope() {
				kind = "ClusterAnalysisTemplate"
			}
			found := ix.find(o.dir, kind, ro.Namespace, ref.TemplateName)
			if found == nil {
				missing = append(missing, field.Invalid(fld, ref.TemplateName, fmt.Sprintf("%s '%s' not found (in this folder)", kind, ref.TemplateName)).Error())
				return
			}
			if ref.IsClusterScope() {
				tpl, err := decode[v1alpha1.ClusterAnalysisTemplate](found)
				if err != nil {
					missing = append(missing, err.Error())
					return
				}
				with.ClusterAnalysisTemplates = append(with.ClusterAnalysisTemplates, tpl)
			} else {
				tpl, err := decode[v1alpha1.AnalysisTemplate](found)
				if err != nil {
					missing = append(missing, err.Error())
					return
				}
				with.AnalysisTemplates = append(with.AnalysisTemplates, tpl)
			}
		}
		refs.AnalysisTemplatesWithType = append(refs.AnalysisTemplatesWithType, with)
	}
	if bg := ro.Spec.Strategy.BlueGreen; bg != nil {
		service(bg.ActiveService, validation.ActiveService)
		service(bg.PreviewService, validation.PreviewService)
		if a := bg.PrePromotionAnalysis; a != nil {
			analysis(a, a.Args, validation.PrePromotionAnalysis, 0)
		}
		if a := bg.PostPromotionAnalysis; a != nil {
			analysis(a, a.Args, validation.PostPromotionAnalysis, 0)
		}
	} else if c := ro.Spec.Strategy.Canary; c != nil {
		service(c.StableService, validation.StableService)
		service(c.CanaryService, validation.CanaryService)
		if c.PingPong != nil {
			service(c.PingPong.PingService, validation.PingService)
			service(c.PingPong.PongService, validation.PongService)
		}
		for i, step := range c.Steps {
			if step.Analysis != nil {
				analysis(step.Analysis, step.Analysis.Args, validation.InlineAnalysis, i)
			}
		}
		if c.Analysis != nil {
			analysis(&c.Analysis.RolloutAnalysis, c.Analysis.Args, validation.BackgroundAnalysis, 0)
		}
	}
	return refs, missing
}

// checkAnalysisTemplate runs the metric checks the Rollouts controller runs on every AnalysisRun it creates from a
// template (analysis.ValidateMetrics), also for a template no Rollout of the folder names.
func checkAnalysisTemplate(o *object, _ *index) []string {
	var spec v1alpha1.AnalysisTemplateSpec
	if o.kind == "ClusterAnalysisTemplate" {
		t, err := decode[v1alpha1.ClusterAnalysisTemplate](o)
		if err != nil {
			return []string{err.Error()}
		}
		spec = t.Spec
	} else {
		t, err := decode[v1alpha1.AnalysisTemplate](o)
		if err != nil {
			return []string{err.Error()}
		}
		spec = t.Spec
	}
	if len(spec.Templates) > 0 && len(spec.Metrics) == 0 {
		return nil // a template of templates: its metrics are checked where they are defined
	}
	if err := analysisutil.ValidateMetrics(spec.Metrics); err != nil {
		return []string{err.Error()}
	}
	return nil
}

// withoutSkew drops the one error that comes from building Argo Rollouts v1.9.3 (made against k8s.io/kubernetes
// v1.34.1) with v1.37.0, which Argo CD and prometheus-operator need: ValidateRollout turns the pod template into the
// internal type through JSON, which never carries the deprecated serviceAccount alias, and v1.37's pod validation
// requires the alias to equal serviceAccountName, so every Rollout that names a service account would fail. The
// controller, built against v1.34.1, does not report it.
func withoutSkew(errs field.ErrorList) field.ErrorList {
	out := errs[:0]
	for _, e := range errs {
		if e.Field == "spec.template.spec.deprecatedServiceAccount" && e.BadValue == "" {
			continue
		}
		out = append(out, e)
	}
	return out
}

func errorList(errs field.ErrorList) []string {
	out := make([]string, 0, len(errs))
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}
