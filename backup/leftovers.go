package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cakebackup/cakebackup/filelock"
	"github.com/cakebackup/cakebackup/internal/process"
	"github.com/cakebackup/cakebackup/internal/shareopen"
)

// A restore works in a folder ".<target>.restoring-<pid>-<random>" beside
// its target (".cakebackup.restoring-<pid>-<random>" inside it, when it
// fills an existing folder), and holds a lock on the file of the same name plus ".lock"
// until it is done. When the lock can be taken (or, while there is no
// lock file, when the process is no longer running) its restore was
// killed or the machine lost power: the folder is a leftover holding
// decrypted wallet files, and the next restore into the same parent
// folder (into the same existing folder) removes it; one whose lock file
// lists its entries was killed while it moved them up into the folder
// it fills, and is finished instead (finishInterrupted). The lock works across PID namespaces (containers,
// sandboxes) and is not fooled by a reused PID; the PID covers the
// moments before the lock file exists and after it is gone.
const (
	restoringMark = ".restoring-"
	lockSuffix    = ".lock"
)

// restoringPrefix is the os.MkdirTemp pattern of a restore into dir by
// this process. A long name is cut short (at a character's start): the
// temporary folder's name must fit where dir's does.
func restoringPrefix(dir string) string {
	base := filepath.Base(dir)
	if len(base) > maxPrefixBase {
		i := maxPrefixBase
		for i > 0 && !utf8.RuneStart(base[i]) {
			i--
		}
		base = base[:i]
	}
	return "." + base + restoringMark + strconv.Itoa(os.Getpid()) + "-"
}

// maxPrefixBase is how much of the target's name a temporary folder's
// name holds, in bytes.
const maxPrefixBase = 64

// staleRestore reports whether name, in dir, is what a restore that is
// no longer running left there: its temporary folder or that folder's
// lock file.
func staleRestore(dir, name string) bool {
	folder, _ := strings.CutSuffix(name, lockSuffix)
	pid, ok := restoringOwner(folder)
	if !ok {
		return false
	}
	lock, alive := restoreAlive(filepath.Join(dir, folder)+lockSuffix, pid)
	closeLock(lock)
	return !alive
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
		name := e.Name()
		folder, isLock := strings.CutSuffix(name, lockSuffix)
		pid, ok := restoringOwner(folder)
		if !ok || (isLock && e.Type().IsRegular() && exists(filepath.Join(parent, folder))) {
			continue // not ours, or a lock file judged with its folder
		}
		p := filepath.Join(parent, folder)
		lock, alive := restoreAlive(p+lockSuffix, pid)
		if alive {
			continue
		}
		if !isLock && publishing(lock) {
			closeLock(lock) // being moved into parent: finishInterrupted's
			continue
		}
		if !isLock && e.IsDir() {
			size := treeSize(p)
			if err := os.RemoveAll(p); err != nil {
				closeLock(lock)
				return r, fmt.Errorf("removing %s, left by an interrupted restore: %w", p, err)
			}
			r.Items++
			r.Bytes += size
		}
		closeLock(lock)
		os.Remove(p + lockSuffix)
	}
	return r, nil
}

// restoreAlive reports whether the restore owning a temporary folder may
// still be running. When the lock file exists its lock decides, and
// lock is returned holding it (close it once the leftover is removed);
// without one, the process id does. When in doubt it says yes.
func restoreAlive(lockPath string, pid int) (lock *os.File, alive bool) {
	f, err := shareopen.ReadWrite(lockPath) // removed while locked: see shareopen
	if errors.Is(err, fs.ErrNotExist) {
		return nil, pid == os.Getpid() || process.Running(pid)
	}
	if err != nil {
		return nil, true
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		return nil, true
	}
	return f, false
}

func closeLock(f *os.File) {
	if f != nil {
		filelock.Release(f)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// restoreLock creates the lock file of the temporary folder tmp and locks
// it for as long as the restore runs; release unlocks and removes it. f
// is the lock file, for its manifest (writeManifest).
func restoreLock(tmp string) (f *os.File, release func(), err error) {
	f, err = os.OpenFile(tmp+lockSuffix, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the lock of %s: %w", tmp, err)
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, nil, fmt.Errorf("locking %s: %w", f.Name(), err)
	}
	return f, func() {
		filelock.Release(f)
		os.Remove(f.Name())
	}, nil
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
