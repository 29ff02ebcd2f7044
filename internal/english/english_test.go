package english

import (
	"fmt"
	"testing"
)

// TestPlural: one form for a count of 1, the other for every other
// count, in the whole lines the commands print.
func TestPlural(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 files ignored; 0 jobs need a check"},
		{1, "1 file ignored; 1 job needs a check"},
		{2, "2 files ignored; 2 jobs need a check"},
		{-1, "-1 files ignored; -1 jobs need a check"},
	} {
		got := fmt.Sprintf("%d %s ignored; %d %s a check", tc.n, Plural(tc.n, "file", "files"), tc.n, Plural(tc.n, "job needs", "jobs need"))
		if got != tc.want {
			t.Errorf("n = %d: %q, want %q", tc.n, got, tc.want)
		}
	}
}
