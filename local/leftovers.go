package local

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/filelock"
	"github.com/cakebackup/cakebackup/internal/shareopen"
)

// minLeftoverAge spares a temporary file so young that its writer may
// have created it but not yet locked it.
const minLeftoverAge = time.Minute

// Reclaim removes the temporary files that unfinished backups left in
// the folder: those of a writer that crashed, was killed or lost its
// drive mid-write. A writer holds a lock on its temporary file until it
// publishes or removes it, and the lock dies with its process, so an
// unlocked temporary file is a leftover. A live writer's file, on this
// machine or another, is locked and stays.
func (f *Folder) Reclaim(ctx context.Context) (destinations.Reclaimed, error) {
	var done destinations.Reclaimed
	dirents, err := os.ReadDir(f.dir)
	if f.makeDir && errors.Is(err, fs.ErrNotExist) {
		return done, nil // no backup went there yet
	}
	if err != nil {
		return done, explainRead("looking for leftovers in "+f.dir, err)
	}
	for _, de := range dirents {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		if !de.Type().IsRegular() || !isTempName(de.Name()) {
			continue
		}
		size, err := removeIfUnlocked(filepath.Join(f.dir, de.Name()))
		if errors.Is(err, filelock.ErrLocked) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, errTooYoung) {
			continue
		}
		if err != nil {
			return done, explain("removing a leftover of an unfinished backup from "+f.dir, err)
		}
		done.Files++
		done.Bytes += size
	}
	return done, nil
}

// errTooYoung spares a temporary file younger than minLeftoverAge.
var errTooYoung = errors.New("too young to be a leftover")

// removeIfUnlocked removes the temporary file at path if nobody holds its
// lock, holding the lock itself while it does, and returns its size.
func removeIfUnlocked(path string) (int64, error) {
	// Removed while open: shareopen lets Windows do that.
	f, err := shareopen.Read(path)
	if err != nil {
		return 0, err
	}
	if err := filelock.TryLock(f); err != nil {
		f.Close()
		return 0, err
	}
	defer filelock.Release(f)
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if time.Since(info.ModTime()) < minLeftoverAge {
		return 0, errTooYoung
	}
	return info.Size(), os.Remove(path)
}
