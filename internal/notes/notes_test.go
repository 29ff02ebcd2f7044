package notes

import (
	"strings"
	"testing"
)

// TestPrint: what each level shows, in the order recorded, and nothing
// printed a second time.
func TestPrint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		quiet, verbose bool
		want           string
	}{
		{"normal", false, false, "saved 2 files\nwarning: disk 91% full\n"},
		{"quiet", true, false, "warning: disk 91% full\n"},
		{"verbose", false, true, "saved 2 files\nread /a\nwarning: disk 91% full\n"},
	}
	for _, tt := range tests {
		var n Notes
		n.Note("saved %d files", 2)
		n.Detail("read %s", "/a")
		n.Warn("disk %d%% full", 91)
		var out strings.Builder
		if n.Print(&out, tt.quiet, tt.verbose); out.String() != tt.want {
			t.Errorf("%s: printed %q, want %q", tt.name, out.String(), tt.want)
		}
		out.Reset()
		if n.Print(&out, tt.quiet, tt.verbose); out.Len() != 0 {
			t.Errorf("%s: printed %q a second time", tt.name, out.String())
		}
	}
}
