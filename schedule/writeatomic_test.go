package schedule

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWriteFileAtomicRemovesKilledWritesLeftovers: a write killed
// between making its temporary file and renaming it (kill -9, a power
// cut) leaves ".NAME.tmp-N" beside the file. The next write of the same
// file removes such a file once it is old enough not to be another
// writer's under way; a young one, and other files, stay.
func TestWriteFileAtomicRemovesKilledWritesLeftovers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	old := time.Now().Add(-time.Hour)
	files := map[string]bool{ // name: whether the write removes it
		".state.json.tmp-111":    true,
		".state.json.tmp-222":    false, // young: maybe another writer's
		".verified.json.tmp-333": false, // another file's
		"state.json.bak":         false,
	}
	for name, gone := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		if gone || name == ".verified.json.tmp-333" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := WriteFileAtomic(path, []byte(`{"jobs":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, gone := range files {
		_, err := os.Lstat(filepath.Join(dir, name))
		if gone && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s, a killed write's leftover, is still there (%v)", name, err)
		}
		if !gone && err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != `{"jobs":{}}` {
		t.Fatalf("state.json = %q, %v", b, err)
	}
}
