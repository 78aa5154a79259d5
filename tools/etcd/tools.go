//go:build tools

// Package tools pins the etcd server binary (main package go.etcd.io/etcd/server/v3).
// Build: go build -o BIN go.etcd.io/etcd/server/v3 (from this dir).
package tools

import _ "go.etcd.io/etcd/server/v3"
