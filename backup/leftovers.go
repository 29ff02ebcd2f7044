package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A restore works in a folder ".<target>.restoring-<pid>-<random>" beside
// its target. The process id says whose it is: when that process is gone
// (killed, or the machine lost power), the folder is a leftover holding
// decrypted wallet files, and the next restore into the same parent
// folder removes it.
const restoringMark = ".restoring-"

// restoringPrefix is the os.MkdirTemp pattern of a restore into dir by
// this process.
func restoringPrefix(dir string) string {
	return "." + filepath.Base(dir) + restoringMark + strconv.Itoa(os.Getpid()) + "-"
}

// restoringOwner returns the process id in a restore's temporary folder
// name, or false when name is not one.
func restoringOwner(name string) (int, bool) {
	i := strings.LastIndex(name, restoringMark)
	if !strings.HasPrefix(name, ".") || i < 2 {
		return 0, false
	}
	pid, random, ok := strings.Cut(name[i+len(restoringMark):], "-")
	if !ok || !isDigits(pid) || !isDigits(random) {
		return 0, false
	}
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// Reclaimed is what was removed of interrupted runs' leftovers.
type Reclaimed struct {
	// Items is the number of leftovers removed; Bytes the size of the
	// files they held.
	Items int
	Bytes int64
}

// removeStaleRestores removes the temporary folders of restores into
// parent whose process is no longer running. A missing parent has none.
func removeStaleRestores(parent string) (Reclaimed, error) {
	var r Reclaimed
	entries, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("reading %s: %w", parent, err)
	}
	for _, e := range entries {
		pid, ok := restoringOwner(e.Name())
		if !ok || !e.IsDir() || pid == os.Getpid() || processRunning(pid) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		size := treeSize(p)
		if err := os.RemoveAll(p); err != nil {
			return r, fmt.Errorf("removing %s, left by an interrupted restore: %w", p, err)
		}
		r.Items++
		r.Bytes += size
	}
	return r, nil
}

// treeSize adds up the sizes of the regular files under dir.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
