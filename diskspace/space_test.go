package diskspace

import (
	"os"
	"testing"
)

// TestOf compares with what the file system says after writing a file:
// the free space is positive, below the total, and a missing path fails.
func TestOf(t *testing.T) {
	dir := t.TempDir()
	total, free, err := Of(dir)
	if err != nil {
		t.Fatal(err)
	}
	if total <= 0 || free <= 0 || free > total {
		t.Fatalf("total %d, free %d", total, free)
	}
	if _, _, err := Of(dir + string(os.PathSeparator) + "missing"); err == nil {
		t.Fatal("a missing path has free space")
	}
}
