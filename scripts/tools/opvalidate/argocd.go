package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// inClusterServer is the server URL Argo CD's own cluster has (and its name "in-cluster").
const inClusterServer = "https://kubernetes.default.svc"

// checkAppProject runs AppProject.ValidateProject, what the Argo CD API server runs on every project it creates or
// updates (server/project).
func checkAppProject(o *object, _ *index) []string {
	proj, err := decode[v1alpha1.AppProject](o)
	if err != nil {
		return []string{err.Error()}
	}
	if err := proj.ValidateProject(); err != nil {
		return []string{err.Error()}
	}
	return nil
}

// checkApplication runs the project checks Argo CD applies to an Application (util/argo.ValidatePermissions: every
// source repository and the destination are permitted) and, when its source folder is under -root, the check its
// sync applies to every object (AppProject.IsResourcePermitted: kind allowed, namespace a permitted destination).
// ValidatePermissions itself needs Argo CD's cluster database; its two checks are called here directly on the
// in-cluster destination (the only one Argo CD knows without a cluster Secret).
func checkApplication(o *object, ix *index) []string {
	app, err := decode[v1alpha1.Application](o)
	if err != nil {
		return []string{err.Error()}
	}
	projName := app.Spec.GetProject()
	found := ix.find(o.dir, "AppProject", app.Namespace, projName)
	if found == nil {
		if projName == "default" {
			return nil // Argo CD's built-in project permits everything
		}
		return []string{fmt.Sprintf("Application referencing project %s which does not exist (in this folder)", projName)}
	}
	proj, err := decode[v1alpha1.AppProject](found)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, src := range app.Spec.GetSources() {
		if !proj.IsSourcePermitted(src) {
			out = append(out, fmt.Sprintf("application repo %s is not permitted in project '%s'", src.RepoURL, proj.Name))
		}
	}
	dest := destinationCluster(app.Spec.Destination)
	noClusters := func(string) ([]*v1alpha1.Cluster, error) { return nil, nil }
	ok, err := proj.IsDestinationPermitted(dest, app.Spec.Destination.Namespace, noClusters)
	if err != nil {
		return append(out, err.Error())
	}
	if !ok {
		out = append(out, fmt.Sprintf("application destination server '%s' and namespace '%s' do not match any of the allowed destinations in project '%s'",
			dest.Server, app.Spec.Destination.Namespace, proj.Name))
	}
	for _, src := range app.Spec.GetSources() {
		objs, err := sourceObjects(ix, src)
		if err != nil {
			out = append(out, err.Error())
		}
		for _, r := range objs {
			ns := r.namespace
			if ns == "" && !clusterScoped(r.group(), r.kind) {
				ns = app.Spec.Destination.Namespace
			}
			gk := schema.GroupKind{Group: r.group(), Kind: r.kind}
			ok, err := proj.IsResourcePermitted(gk, r.name, ns, dest, noClusters)
			if err != nil {
				out = append(out, err.Error())
			} else if !ok {
				// Argo CD's sync message (controller/sync.go)
				file := r.file
				if rel, err := filepath.Rel(ix.root, r.file); err == nil {
					file = rel
				}
				out = append(out, fmt.Sprintf("%s: resource %s:%s is not permitted in project %s (namespace %q)", file, gk.Group, gk.Kind, proj.Name, ns))
			}
		}
	}
	return out
}

func destinationCluster(d v1alpha1.ApplicationDestination) *v1alpha1.Cluster {
	if d.Server == "" && d.Name == "in-cluster" {
		return &v1alpha1.Cluster{Name: d.Name, Server: inClusterServer}
	}
	if d.Server == inClusterServer && d.Name == "" {
		return &v1alpha1.Cluster{Name: "in-cluster", Server: d.Server}
	}
	return &v1alpha1.Cluster{Name: d.Name, Server: d.Server}
}

// sourceObjects reads the objects of a plain-directory source whose path is a folder under -root. Argo CD's repo
// server renders sources (it needs git and the tools); a plain directory of YAML is all this program reads, with the
// directory source's include/exclude globs applied to file names (no recursion unless asked, as Argo CD).
func sourceObjects(ix *index, src v1alpha1.ApplicationSource) ([]*object, error) {
	if src.Chart != "" || src.Path == "" || src.Helm != nil || src.Kustomize != nil || src.Plugin != nil {
		return nil, nil
	}
	dir, err := filepath.Abs(filepath.Join(ix.root, src.Path))
	if err != nil {
		return nil, err
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, nil // a source folder not rendered here (another repository) is not checked
	}
	objs, ok := ix.loaded[dir]
	if !ok {
		if objs, err = readPath(dir); err != nil {
			return nil, err
		}
		ix.loaded[dir] = objs
	}
	d := src.Directory
	var out []*object
	for _, r := range objs {
		rel, _ := filepath.Rel(dir, r.file)
		if (d == nil || !d.Recurse) && strings.Contains(rel, string(filepath.Separator)) {
			continue
		}
		if d != nil && d.Include != "" && !globAny(d.Include, rel) || d != nil && d.Exclude != "" && globAny(d.Exclude, rel) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// globAny matches a file against a pattern or a {a,b} list of patterns (Argo CD's include/exclude syntax).
func globAny(pattern, file string) bool {
	for _, p := range strings.Split(strings.Trim(pattern, "{}"), ",") {
		if ok, _ := filepath.Match(strings.TrimSpace(p), file); ok {
			return true
		}
	}
	return false
}

// clusterScoped names the cluster-scoped kinds this project renders or may render (no API discovery here); any other
// kind without a namespace is namespaced and lands in the destination namespace, as in Argo CD.
func clusterScoped(group, kind string) bool {
	switch group + "/" + kind {
	case "/Namespace", "/PersistentVolume", "/Node",
		"rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
		"apiextensions.k8s.io/CustomResourceDefinition", "storage.k8s.io/StorageClass",
		"admissionregistration.k8s.io/ValidatingAdmissionPolicy", "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
		"admissionregistration.k8s.io/ValidatingWebhookConfiguration", "admissionregistration.k8s.io/MutatingWebhookConfiguration",
		"scheduling.k8s.io/PriorityClass", "networking.k8s.io/IngressClass",
		"argoproj.io/ClusterAnalysisTemplate", "cert-manager.io/ClusterIssuer", "external-secrets.io/ClusterSecretStore",
		"external-secrets.io/ClusterExternalSecret", "snapshot.storage.k8s.io/VolumeSnapshotClass",
		"snapshot.storage.k8s.io/VolumeSnapshotContent", "config.openshift.io/Project":
		return true
	}
	return false
}
