//go:build tools

// Package tools records the main package built by scripts/tools.sh so that
// `go mod tidy` keeps its dependencies in go.mod/go.sum.
package tools

import _ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
