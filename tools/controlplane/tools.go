//go:build tools

// Package tools pins the control-plane binaries kro-guard's e2e tests run.
// Nothing imports it; it only keeps the build targets in go.mod/go.sum.
// Build: go build -o BIN k8s.io/kubernetes/cmd/kube-apiserver (from this dir).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
