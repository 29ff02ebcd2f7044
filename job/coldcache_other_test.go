//go:build !linux

package job_test

import "testing"

// dropCached does nothing here: the benchmarks read warm files.
func dropCached(*testing.B, string) {}
