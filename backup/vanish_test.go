package backup

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// hookedReader reads b and, before each read, calls hook until it
type hookedReader struct {
	b    []byte
	mu   sync.Mutex
	done bool
	hook func() bool
}

func (h *hookedReader) ReadAt(p []byte, off int64) (int, error) {
	h.mu.Lock()
	if !h.done {
		h.done = h.hook()
	}
	h.mu.Unlock()
	return bytes.NewReader(h.b).ReadAt(p, off)
}

// manyWallets is an inner archive of n wallets of one file of size
// bytes each, each in a folder of its own.
func manyWallets(t testing.TB, n, size int) []byte {
	var entries []zipEntry
	for i := range n {
		entries = append(entries, zipEntry{name: fmt.Sprintf("wallets/monero/w%04d/w%04d", i, i), body: bytes.Repeat([]byte{byte(i)}, size)})
	}
	return innerZip(t, entries)
}

// restoringIn returns the temporary folder of a restore in dir once it
// holds restored files, else "".
func restoringIn(dir string) string {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, ok := restoringOwner(e.Name()); ok && e.IsDir() {
			tmp := filepath.Join(dir, e.Name())
			if files, _ := os.ReadDir(filepath.Join(tmp, "wallets", "monero")); len(files) > 0 {
				return tmp
			}
		}
	}
	return ""
}

// TestRestoreTargetRemovedMidway: the folder being filled is removed
// while the restore writes there (moved away, then deleted). The restore
// fails with a *TargetGoneError naming the folder, in one line, and does
// not make the folder again to carry on there.
func TestRestoreTargetRemovedMidway(t *testing.T) {
	t.Parallel()
	b := sealInnerFast(t, manyWallets(t, 300, 4096), 32<<10)
	dir := filepath.Join(t.TempDir(), "mine")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	r := &hookedReader{b: b, hook: func() bool {
		if restoringIn(dir) == "" {
			return false
		}
		// Moved first, so that the restore, writing by path, cannot
		// add to it while it is deleted.
		moved := dir + ".removed"
		if err := os.Rename(dir, moved); err != nil {
			t.Error(err)
		}
		if err := os.RemoveAll(moved); err != nil {
			t.Error(err)
		}
		return true
	}}
	a, err := Open(r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.restore(t.Context(), testKeys, dir, RestoreOptions{})
	if !r.done {
		t.Fatal("the restore never wrote a file before it ended")
	}
	var gone *TargetGoneError
	if !errors.As(err, &gone) || gone.Dir != dir || strings.Contains(err.Error(), "\n") {
		t.Fatalf("restore: %v, want a *TargetGoneError for %s", err, dir)
	}
	if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s was made again: %v", dir, err)
	}
}

// openAndRestore restores the backup b into dir.
func openAndRestore(t *testing.T, b []byte, dir string) (*RestoreResult, error) {
	t.Helper()
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return a.restore(t.Context(), testKeys, dir, RestoreOptions{})
}
