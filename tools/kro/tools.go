//go:build tools

// Package tools pins the kro controller binary.
// Build: go build -o BIN github.com/kubernetes-sigs/kro/cmd/controller (from this dir).
package tools

import _ "github.com/kubernetes-sigs/kro/cmd/controller"
