// Command opvalidate runs the operators' own validation code on rendered manifests (npm run test:operators).
//
//	opvalidate [-root DIR] PATH...
//
// Every PATH is a YAML file (multi-document) or a folder whose *.yaml/*.yml files are read (recursively). Each object
// of a kind below is checked with the code its operator runs at admission or reconciliation, at the versions pinned in
// go.mod (see docs/explanation/real-tools.md):
//
//   - Argo Rollouts: Rollout (validation.ValidateRollout, and ValidateRolloutReferencedResources on the Services and
//     AnalysisTemplates it names, found in the same folder, as the controller does), AnalysisTemplate and
//     ClusterAnalysisTemplate (analysis.ValidateMetrics).
//   - Argo CD: AppProject (AppProject.ValidateProject), Application (its project exists and permits its sources and
//     destination; every object of its source folder, when that folder is under -root, is a kind and namespace the
//     project permits: what Argo CD checks at sync).
//   - prometheus-operator: PrometheusRule (operator.ValidateRule, with the admission webhook's defaults: legacy name
//     validation, no PromQL feature flags), AlertmanagerConfig v1alpha1/v1beta1 (ValidateAlertmanagerConfig).
//
// External Secrets is not here: the release the module proxy serves (v0.16.2) does not compile against the
// controller-runtime prometheus-operator needs (see docs/explanation/real-tools.md).
//
// Each finding is printed as `<file>: <kind>/<namespace>/<name>: <message>` (namespace `-` when none); the exit code is
// 1 when there is any, 2 on unreadable input. A summary of what was checked goes to stderr.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// object is one document of a manifest file: its identity, the file it came from and its JSON form (decoded into the
// operator's own Go type by the checker of its kind).
type object struct {
	file       string
	dir        string
	apiVersion string
	kind       string
	namespace  string
	name       string
	json       []byte
}

func (o *object) group() string {
	if i := strings.Index(o.apiVersion, "/"); i >= 0 {
		return o.apiVersion[:i]
	}
	return ""
}

func (o *object) version() string { return o.apiVersion[strings.Index(o.apiVersion, "/")+1:] }

// finding is one message of an operator's validation about one object.
type finding struct {
	obj     *object
	message string
}

func (f finding) String() string {
	ns := f.obj.namespace
	if ns == "" {
		ns = "-"
	}
	return fmt.Sprintf("%s: %s/%s/%s: %s", f.obj.file, f.obj.kind, ns, f.obj.name, f.message)
}

// checker validates every object of one kind; all holds every object read, for the checks that follow references.
type checker func(o *object, all *index) []string

// checkers by "<group>/<kind>"; an object of another kind is not checked.
var checkers = map[string]checker{
	"argoproj.io/Rollout":                      checkRollout,
	"argoproj.io/AnalysisTemplate":             checkAnalysisTemplate,
	"argoproj.io/ClusterAnalysisTemplate":      checkAnalysisTemplate,
	"argoproj.io/AppProject":                   checkAppProject,
	"argoproj.io/Application":                  checkApplication,
	"monitoring.coreos.com/PrometheusRule":     checkPrometheusRule,
	"monitoring.coreos.com/AlertmanagerConfig": checkAlertmanagerConfig,
}

// index holds every object read, by folder, for lookups by kind/namespace/name.
type index struct {
	root    string
	objects []*object
	// folders read from disk on demand (an Application's source folder), by absolute path
	loaded map[string][]*object
}

// find returns the object of a kind and name in a folder; namespace "" matches any.
func (ix *index) find(dir, kind, namespace, name string) *object {
	for _, o := range ix.objects {
		if o.dir == dir && o.kind == kind && o.name == name && (namespace == "" || o.namespace == namespace || o.namespace == "") {
			return o
		}
	}
	return nil
}

func main() {
	root := flag.String("root", ".", "the folder an Argo CD Application's source path is relative to (a repository's root)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: opvalidate [-root DIR] FILE-OR-FOLDER...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	rootDir, err := filepath.Abs(*root)
	if err != nil {
		fmt.Fprintf(os.Stderr, "opvalidate: %v\n", err)
		os.Exit(2)
	}
	ix := &index{root: rootDir, loaded: map[string][]*object{}}
	for _, p := range flag.Args() {
		objs, err := readPath(p)
		if err != nil {
			fmt.Fprintf(os.Stderr, "opvalidate: %v\n", err)
			os.Exit(2)
		}
		ix.objects = append(ix.objects, objs...)
	}
	var findings []finding
	checked := map[string]int{}
	for _, o := range ix.objects {
		check, ok := checkers[o.group()+"/"+o.kind]
		if !ok {
			continue
		}
		checked[o.kind]++
		for _, m := range check(o, ix) {
			findings = append(findings, finding{o, m})
		}
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	fmt.Fprintf(os.Stderr, "opvalidate: %d objects read, checked %s; %d findings\n", len(ix.objects), summary(checked), len(findings))
	if len(findings) > 0 {
		os.Exit(1)
	}
}

func summary(checked map[string]int) string {
	kinds := make([]string, 0, len(checked))
	for k := range checked {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, checked[k]))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// readPath reads a YAML file, or every *.yaml/*.yml file under a folder, in name order.
func readPath(p string) ([]*object, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return readFile(p)
	}
	var out []*object
	err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isYAML(f) {
			return err
		}
		objs, err := readFile(f)
		out = append(out, objs...)
		return err
	})
	return out, err
}

func isYAML(f string) bool { return strings.HasSuffix(f, ".yaml") || strings.HasSuffix(f, ".yml") }

// readFile splits a multi-document YAML file and keeps every document that names a kind.
func readFile(file string) ([]*object, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, err
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []*object
	for i := 1; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if string(js) == "null" {
			continue
		}
		if err := json.Unmarshal(js, &head); err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, i, err)
		}
		if head.Kind == "" {
			continue
		}
		out = append(out, &object{file: file, dir: abs, apiVersion: head.APIVersion, kind: head.Kind,
			namespace: head.Metadata.Namespace, name: head.Metadata.Name, json: js})
	}
}

// decode reads an object into its operator's Go type the way an API client would (encoding/json, unknown fields
// dropped: the CRD schema tiers check those).
func decode[T any](o *object) (*T, error) {
	var t T
	if err := json.Unmarshal(o.json, &t); err != nil {
		return nil, fmt.Errorf("cannot decode as %s %s: %w", o.apiVersion, o.kind, err)
	}
	return &t, nil
}
