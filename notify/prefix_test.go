package notify

import (
	"strings"
	"testing"
)

// TestPrefixLines: every line starts with the prefix, also when a line
// comes in several writes, and nothing is added after the last newline.
func TestPrefixLines(t *testing.T) {
	var b strings.Builder
	w := PrefixLines(&b, "  | ")
	for _, s := range []string{"one\ntw", "o\n", "", "three"} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", s, n, err)
		}
	}
	if want := "  | one\n  | two\n  | three"; b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
}
