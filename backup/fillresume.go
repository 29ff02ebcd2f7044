package backup

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A restore that fills an existing folder (fillInPlace) renames the
// entries of its finished temporary folder up into the folder one by one.
// Before the first rename it writes, into its lock file, what it is about
// to move (a fillManifest) and makes that durable: a restore killed among
// those renames (or the machine losing power) leaves a lock file that
// says so, and the next restore into the same folder finishes the job
// (finishInterrupted). Every file was extracted, verified and synced
// before the first rename, so finishing is only renaming; it never
// deletes anything in the folder. Should a name the killed restore needs
// have been taken since (a file made there under that name), what it had
// moved is taken back into its temporary folder, which is removed: the
// folder is left as it was before that restore. Should what it had moved
// have been removed since, all of it, the rest is removed too (the folder
// is as it was); some of it, the rest is moved up all the same, since
// the folder holds files of it that may be in use (Resumed.Missing).

// fillManifest is what a restore filling a folder in place writes into
// its lock file before it moves its entries up.
type fillManifest struct {
	// Backup identifies the backup restored (restoreIdentity).
	Backup string `json:"backup"`
	// Files and Size are its files and their bytes.
	Files int   `json:"files"`
	Size  int64 `json:"size"`
	// Names are the entries of the temporary folder, moved in this order.
	Names []string `json:"names"`
}

// maxManifest bounds what is read of a lock file.
const maxManifest = 16 << 20

// writeManifest writes m into the lock file f and makes it durable.
func writeManifest(f *os.File, m fillManifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > maxManifest {
		return fmt.Errorf("the restore's list of entries is too long (%d bytes)", len(b))
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", f.Name(), err)
	}
	return nil
}

// readManifest reads the manifest from the lock file f; false when it
// holds none (the restore was killed before it moved anything).
func readManifest(f *os.File) (fillManifest, bool) {
	var m fillManifest
	b, err := io.ReadAll(io.NewSectionReader(f, 0, maxManifest))
	if err != nil || len(b) == 0 || json.Unmarshal(b, &m) != nil {
		return fillManifest{}, false
	}
	for _, n := range m.Names {
		if !validEntryName(n) {
			return fillManifest{}, false
		}
	}
	return m, true
}

// validEntryName reports whether n may be a name of a temporary folder's
// entry: one path element, so that a damaged lock file cannot make
// finishInterrupted move anything from elsewhere.
func validEntryName(n string) bool {
	return n != "" && n != "." && n != ".." && !strings.ContainsAny(n, `/\`) && n == filepath.Base(n)
}

// restoreIdentity names the files a restore of a writes: the SHA-512 of
// the inner archive of a container; for a bare v2 blob, a hash of its
// length and its first and last bytes (its salt and nonce are random,
// and its tag covers the rest).
func (a *Archive) restoreIdentity() string {
	if a.info.SHA512 != "" {
		return "sha512:" + a.info.SHA512
	}
	h := sha256.New()
	binary.Write(h, binary.BigEndian, a.size)
	head := make([]byte, min(a.size, 64))
	tail := make([]byte, min(a.size, 32))
	if _, err := a.r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	if _, err := a.r.ReadAt(tail, a.size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	h.Write(head)
	h.Write(tail)
	return "blob:" + hex.EncodeToString(h.Sum(nil))
}

// Resumed says what a restore did with a restore into the same folder
// that was killed while it moved its files into place.
type Resumed struct {
	// Completed says it found one and finished it: the folder holds every
	// file of that restore. Moved is the number of its entries that this
	// restore moved into place; Files and Size count that restore's
	// files and bytes.
	Completed bool
	Moved     int
	Files     int
	Size      int64
	// Missing are its entries that it had moved up and that were
	// removed from the folder since: it is complete but for them.
	Missing []string
	// Same says the killed restore was of the same backup (the same
	// files) and is complete: this one is done with it.
	Same bool
	// RolledBack says it found one that it did not finish, since a name
	// it needs was taken since (Taken), or since what it had moved was
	// removed since (Taken is ""): what the killed restore had moved was
	// taken back and removed, and the folder is as it was before it.
	RolledBack bool
	Taken      string

	backup string
}

// finishInterrupted finishes the restores into dir, an existing folder,
// that were killed while they moved their entries up into it (see
// fillManifest), or rolls them back. A restore killed before that
// (whose lock file holds no manifest) is left to removeStaleRestores.
func finishInterrupted(dir string) (Resumed, error) {
	var r Resumed
	entries, err := os.ReadDir(dir)
	if err != nil {
		return r, fmt.Errorf("reading %s: %w", dir, err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		folder, lock, m, ok := deadFill(dir, e.Name())
		if !ok {
			continue
		}
		one, err := finishFill(filepath.Join(dir, folder), dir, m)
		if err == nil {
			os.Remove(lock.Name())
		}
		closeLock(lock)
		if err != nil {
			return r, err
		}
		r = one
	}
	return r, nil
}

// deadFill reports whether name, in dir, is the lock file of a restore
// that is no longer running and was killed while it moved its entries up
// into dir: then it returns that restore's temporary folder's name, the
// lock file, locked (close it with closeLock), and its manifest.
func deadFill(dir, name string) (folder string, lock *os.File, m fillManifest, ok bool) {
	folder, isLock := strings.CutSuffix(name, lockSuffix)
	pid, ok := restoringOwner(folder)
	if !isLock || !ok {
		return "", nil, fillManifest{}, false
	}
	lock, alive := restoreAlive(filepath.Join(dir, name), pid)
	if alive {
		return "", nil, fillManifest{}, false
	}
	if m, ok = readManifest(lock); !ok {
		closeLock(lock)
		return "", nil, fillManifest{}, false
	}
	return folder, lock, m, true
}

// finishFill moves what the killed restore with manifest m left in tmp up
// into dir, then removes tmp; should a name be taken, it takes back what
// was moved and removes tmp instead.
func finishFill(tmp, dir string, m fillManifest) (Resumed, error) {
	r := Resumed{Files: m.Files, Size: m.Size, backup: m.Backup}
	inDir := 0
	for _, name := range m.Names {
		switch {
		case exists(filepath.Join(tmp, name)):
		case exists(filepath.Join(dir, name)):
			inDir++
		default:
			r.Missing = append(r.Missing, name)
		}
	}
	if len(r.Missing) > 0 && inDir == 0 {
		// What it had moved was removed since: the rest goes too.
		if err := os.RemoveAll(tmp); err != nil {
			return Resumed{}, fmt.Errorf("removing the interrupted restore %s: %w", tmp, err)
		}
		return Resumed{RolledBack: true, backup: m.Backup}, nil
	}
	for _, name := range m.Names {
		from := filepath.Join(tmp, name)
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue // moved already
		}
		if err := renameNoReplace(from, filepath.Join(dir, name)); err != nil {
			if !errors.Is(err, fs.ErrExist) {
				return Resumed{}, fmt.Errorf("finishing the interrupted restore into %s: %w", dir, err)
			}
			return rollBackFill(tmp, dir, m, name)
		}
		r.Moved++
	}
	if err := os.RemoveAll(tmp); err != nil {
		return Resumed{}, fmt.Errorf("finishing the interrupted restore into %s: %w", dir, err)
	}
	syncDir(dir)
	r.Completed = true
	return r, nil
}

// rollBackFill takes back into tmp what the killed restore with manifest
// m had moved up into dir (its names that tmp lacks), then removes tmp:
// taken is the name it needed that was taken meanwhile.
func rollBackFill(tmp, dir string, m fillManifest, taken string) (Resumed, error) {
	for _, name := range slices.Backward(m.Names) {
		back := filepath.Join(tmp, name)
		if _, err := os.Lstat(back); err == nil {
			continue // never moved (or the name taken)
		}
		from := filepath.Join(dir, name)
		if _, err := os.Lstat(from); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := renameNoReplace(from, back); err != nil {
			return Resumed{}, fmt.Errorf("taking back the interrupted restore into %s (%s is there now): %w", dir, taken, err)
		}
	}
	syncDir(dir)
	if err := os.RemoveAll(tmp); err != nil {
		return Resumed{}, fmt.Errorf("removing the interrupted restore %s: %w", tmp, err)
	}
	return Resumed{RolledBack: true, Taken: filepath.Join(dir, taken), backup: m.Backup}, nil
}

// movedByDeadFills returns the names in dir that restores killed while
// they moved their entries into it had moved there (named in their
// manifest, no longer in their temporary folder): part of what they left,
// which the next restore into dir finishes.
func movedByDeadFills(dir string, names []string) map[string]bool {
	moved := map[string]bool{}
	for _, name := range names {
		folder, lock, m, ok := deadFill(dir, name)
		if !ok {
			continue
		}
		closeLock(lock)
		for _, n := range m.Names {
			if !exists(filepath.Join(dir, folder, n)) {
				moved[n] = true
			}
		}
	}
	return moved
}

// publishing reports whether the lock file of a killed restore holds a
// manifest: its temporary folder is finished and is being moved into
// place, and only a restore into that folder may deal with it.
func publishing(lock *os.File) bool {
	if lock == nil {
		return false
	}
	_, ok := readManifest(lock)
	return ok
}

// entryNames returns the names of entries.
func entryNames(entries []fs.DirEntry) []string {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}
