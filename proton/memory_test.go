package proton

import "testing"

func TestBlockUploads(t *testing.T) {
	for _, tc := range []struct {
		budget int64
		want   int
	}{{0, 1}, {DefaultMemoryBudget, 1}, {64 << 20, 2}, {16 << 20, 1}, {1 << 30, 8}, {32<<20 + 36<<20, 3}} {
		if got := blockUploads(tc.budget); got != tc.want {
			t.Errorf("blockUploads(%d MiB) = %d, want %d", tc.budget>>20, got, tc.want)
		}
	}
}
