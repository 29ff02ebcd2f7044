package backup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/cakebackup/cakebackup/bytesize"
	"github.com/cakebackup/cakebackup/diskspace"
	"github.com/cakebackup/cakebackup/internal/directio"
	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/internal/shareopen"
)

// Restore is RestoreWith with default options, for callers that need no
// result.
func (a *Archive) Restore(ctx context.Context, password, dir string) error {
	_, err := a.RestoreWith(ctx, password, dir, RestoreOptions{})
	return err
}

// RestoreResult is what a restore did besides restoring.
type RestoreResult struct {
	// Files is the number of files restored; Size their bytes.
	Files int
	Size  int64
	// InPlace says the target existed (empty) and was filled in place;
	// otherwise it was made.
	InPlace bool
	// Reclaimed describes the temporary folders of interrupted restores
	// that this one removed: from inside the target when InPlace, else
	// from beside it.
	Reclaimed Reclaimed
	// Resumed says what this restore did with one into the same folder
	// that was killed while it moved its files into place. When it was
	// completed and was of the same backup (Resumed.Same), this restore
	// is that one: Files and Size count its files.
	Resumed Resumed
}

// RestoreWith extracts the backup into dir, which must be absent or empty
// (ErrTargetNotEmpty otherwise). Every entry is checked first, as Verify
// checks it (planExtraction), and the total is checked against
// opts.MaxSize (ErrTooLarge) and the free space (ErrNoSpace) before
// anything is written. Files are created 0600 and folders 0700.
//
// It extracts into a temporary folder named for this process, and only
// when everything is extracted, verified and on disk does it publish it.
// An absent dir is made by renaming that folder, made beside it, into
// place. An existing empty dir is filled in place, so that its own
// owner, mode and mount stay (a USB stick's root, the current folder):
// the temporary folder is made inside it, on its file system, and its
// entries are renamed up into dir one by one; should one fail, those
// already moved are taken back, and dir is left empty. On any error
// nothing is left behind, and what a killed restore left (beside dir, or
// inside it) is removed by the next restore there. A restore killed while
// its entries were being moved up is finished by the next restore into
// dir, before anything else (RestoreResult.Resumed): its files were all
// verified and on disk. If that was a restore of the same backup, this
// one is done; if not, dir now holds the other backup's files and this
// restore fails with ErrTargetNotEmpty. Should a name it needs have been
// taken since, what it had moved is taken back and removed instead, and
// dir is as it was before it.
func (a *Archive) RestoreWith(ctx context.Context, password, dir string, opts RestoreOptions) (*RestoreResult, error) {
	return a.restore(ctx, a.keysFor(password), dir, opts)
}

// inPlaceName stands for the target's name in the temporary folder of a
// restore that fills an existing folder: the folder is made inside it,
// and "." or a mount point's name would read poorly.
const inPlaceName = "cakebackup"

// restore is RestoreWith with keys that may already be derived.
func (a *Archive) restore(ctx context.Context, keys *keyCache, dir string, opts RestoreOptions) (_ *RestoreResult, err error) {
	dir = filepath.Clean(dir)
	res := &RestoreResult{}
	if fi, err := os.Lstat(dir); err == nil && fi.IsDir() {
		// A restore killed while it moved its files up into dir is
		// finished first: dir must not stay half restored.
		if res.Resumed, err = finishInterrupted(dir); err != nil {
			return res, err
		}
		res.Resumed.Same = res.Resumed.Completed && len(res.Resumed.Missing) == 0 &&
			res.Resumed.backup != "" && res.Resumed.backup == a.restoreIdentity()
	}
	if !res.Resumed.Same {
		if err := CheckRestoreTarget(dir); err != nil {
			return res, err
		}
	}
	// Open and check the inner archive first, as Verify does: a wrong
	// password, a damaged directory or an unsafe entry fails before
	// anything is created.
	pr, plan, err := a.openPlanned(ctx, keys, opts)
	if err != nil {
		return res, err
	}
	defer pr.Close()
	if res.Resumed.Same {
		res.InPlace, res.Files, res.Size = true, res.Resumed.Files, res.Resumed.Size
		return res, nil
	}

	// CheckRestoreTarget let dir through: it is absent, or an empty
	// folder (but for what killed restores left in it).
	work, prefix := filepath.Dir(dir), restoringPrefix(dir)
	if fi, err := os.Lstat(dir); err == nil && fi.IsDir() {
		res.InPlace = true
		work, prefix = dir, restoringPrefix(inPlaceName)
	}
	res.Reclaimed, err = removeStaleRestores(work)
	if err != nil {
		return res, err
	}
	if err := checkFreeSpace(work, plan.diskSize, plan.inodes()+2); err != nil {
		return res, err
	}
	created, err := mkdirAllTracked(work)
	if err != nil {
		return res, err
	}
	tmp, err := os.MkdirTemp(work, prefix)
	if err != nil {
		removeCreated(created)
		return res, fmt.Errorf("creating a temporary folder in %s: %w", work, err)
	}
	// Held open so that, should the path stop leading to it (the folder
	// removed, the drive unmounted), the failure can say so.
	handle, err := shareopen.Folder(tmp)
	if err != nil {
		os.Remove(tmp)
		removeCreated(created)
		return res, fmt.Errorf("opening %s: %w", tmp, err)
	}
	defer handle.Close()
	// So is the folder it is in, so that a partial restore can be removed
	// even where the path no longer leads (a drive unmounted midway): it
	// holds decrypted wallet files. Without it, the path is used.
	parent, perr := os.OpenRoot(work)
	if perr == nil {
		defer parent.Close()
	}
	lockFile, unlock, err := restoreLock(tmp)
	if err != nil {
		os.RemoveAll(tmp)
		removeCreated(created)
		return res, err
	}
	defer func() {
		if err != nil {
			err = discardTemp(err, work, tmp, handle, parent)
		}
		unlock()
		if parent != nil {
			_ = parent.Remove(filepath.Base(tmp) + lockSuffix) // gone already, unless the path no longer led there
		}
		if err != nil {
			removeCreated(created)
		}
	}()

	if err := checkClashes(tmp, dir, plan.clashes); err != nil {
		return res, err
	}

	// Then read it as Verify does (readAll), writing each entry out.
	x := &extractor{pr: pr, root: tmp}
	err = a.readAll(ctx, pr, plan, func(e plannedEntry, r io.Reader) error {
		if err := x.write(e, r); err != nil {
			return err
		}
		if !e.dir {
			res.Files++
			res.Size += int64(e.file.UncompressedSize64)
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	if err := syncTree(tmp); err != nil {
		return res, err
	}
	if res.InPlace {
		m := fillManifest{Backup: a.restoreIdentity(), Files: res.Files, Size: res.Size}
		return res, fillInPlace(tmp, dir, lockFile, m, opts.beforeMove)
	}
	return res, moveIntoPlace(tmp, dir)
}

// TargetGoneError is the error of a restore whose folder went away while
// it wrote there: removed, or its drive unmounted or pulled out. It wraps
// the error the restore met.
type TargetGoneError struct {
	// Dir is the folder that went away: the target when it was filled in
	// place, else its parent.
	Dir string
	// Leftover is the partial restore's temporary folder, when it could
	// not be removed (a drive pulled out fails every write): it is on the
	// drive that went away, and the next restore into Dir there removes
	// it. "" when nothing is left.
	Leftover string
	// Err is what the restore met.
	Err error
}

// Error says what went away and what it may still hold.
func (e *TargetGoneError) Error() string {
	s := e.Dir + " went away while the backup was restored there (the folder removed, or its drive unmounted or pulled out)"
	if e.Leftover != "" {
		s += "; should it come back, it holds the partial restore " + e.Leftover + ", which the next restore into " + e.Dir + " removes"
	}
	return s
}

// Unwrap returns what the restore met.
func (e *TargetGoneError) Unwrap() error { return e.Err }

// discardTemp removes tmp, the temporary folder in work of a restore that
// failed with err, and returns err, told more plainly when work went
// away (a *TargetGoneError) or naming tmp when it could not be removed.
// handle has tmp open, and parent work (nil when it could not be
// opened): when the path no longer leads to tmp (its drive unmounted, its
// folder moved), tmp is removed through parent; when tmp was removed
// along with its folder, nothing is left to remove.
func discardTemp(err error, work, tmp string, handle *os.File, parent *os.Root) error {
	base := filepath.Base(tmp)
	now, serr := os.Stat(tmp)
	gone := serr != nil || !sameAsOpened(now, handle)
	var rerr error
	switch {
	case gone && removedDir(handle):
	case gone && parent != nil:
		rerr = parent.RemoveAll(base)
	case gone:
		rerr = cmp.Or(serr, errors.New("its path leads elsewhere"))
	default:
		rerr = os.RemoveAll(tmp)
	}
	if gone {
		g := &TargetGoneError{Dir: work, Err: err}
		if rerr != nil {
			g.Leftover = base
		}
		return g
	}
	if rerr != nil {
		why := " (" + rerr.Error() + ")"
		if innermost(rerr) == innermost(err) {
			why = "" // the same reason, said once
		}
		return fmt.Errorf("%w; the partial restore %s is left behind%s, and the next restore into %s removes it", err, tmp, why, work)
	}
	return err
}

// innermost is the text of the error at the end of err's chain, such as
// "input/output error".
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

// sameAsOpened reports whether info is that of the folder f has open.
func sameAsOpened(info fs.FileInfo, f *os.File) bool {
	opened, err := f.Stat()
	return err == nil && os.SameFile(info, opened)
}

// ErrNameClash is wrapped when a backup holds two names that differ only
// in case or accents (as the app allows on a phone) and the file system a
// restore writes to would make them one file.
var ErrNameClash = errors.New("names that differ only in case or accents")

// checkClashes returns an error wrapping ErrNameClash, naming the two
// entries and dir, when the file system holding root, a new empty folder,
// makes one file of the two names of any of clashes (planExtraction's).
// It creates, in root, the first name's segment where the two differ, and
// looks for the second's; it leaves root empty.
func checkClashes(root, dir string, clashes [][2]string) error {
	for _, c := range clashes {
		a, b := strings.Split(c[0], "/"), strings.Split(c[1], "/")
		for i := range min(len(a), len(b)) {
			if a[i] == b[i] {
				continue
			}
			one, err := sameEntry(root, a[i], b[i])
			if err != nil {
				return err
			}
			if one {
				return fmt.Errorf("the backup holds %q and %q, which differ only in case or accents, and the file system of %s makes them one file: restore onto a case-sensitive file system (such as Linux's ext4): %w",
					c[0], c[1], dir, ErrNameClash)
			}
			break
		}
	}
	return nil
}

// sameEntry reports whether the names a and b are one file in the folder
// root, where neither is: it creates a there, looks for b, and removes a.
func sameEntry(root, a, b string) (bool, error) {
	f, err := os.OpenFile(filepath.Join(root, a), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, fmt.Errorf("checking how %s compares names: %w", root, err)
	}
	f.Close()
	_, err = os.Lstat(filepath.Join(root, b))
	if rerr := os.Remove(filepath.Join(root, a)); rerr != nil {
		return false, fmt.Errorf("checking how %s compares names: %w", root, rerr)
	}
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	}
	return false, fmt.Errorf("checking how %s compares names: %w", root, err)
}

// ErrNoSpace is wrapped when the restore target's file system has less
// free space than the backup's files need.
var ErrNoSpace = errors.New("not enough free space")

// ErrNoInodes is wrapped when the restore target's file system cannot
// make as many more files and folders as the backup holds: it is out of
// inodes, though it may have bytes to spare. It matches ErrNoSpace too.
var ErrNoInodes error = noInodes{}

type noInodes struct{}

func (noInodes) Error() string { return "no room for more files (out of inodes)" }

// Is makes ErrNoInodes match ErrNoSpace.
func (noInodes) Is(target error) bool { return target == ErrNoSpace }

// checkFreeSpace refuses to start a restore that needs more than the free
// space of the file system holding dir (or its nearest existing parent),
// need bytes, or more files and folders than it can still make, files
// (it may run out of inodes with bytes to spare, after many small
// files). Where either is unknown, it lets the restore try.
func checkFreeSpace(dir string, need, files int64) error {
	for {
		if _, err := os.Stat(dir); err == nil || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	if _, free, err := diskspace.Of(dir); err == nil && need > free {
		return fmt.Errorf("restoring needs %s but %s has %s free: %w", bytesize.Format(need), dir, bytesize.Format(free), ErrNoSpace)
	}
	if free, known, err := diskspace.FreeFiles(dir); err == nil && known && files > free {
		return fmt.Errorf("restoring makes %d files and folders but the file system of %s can make only %d more: %w", files, dir, free, ErrNoInodes)
	}
	return nil
}

// noRoomErr words the failure to make rel below root for want of room:
// when its file system has no inodes left, it says so, rather than "no
// space left on device" with bytes to spare.
func noRoomErr(root, rel string, err error) error {
	if !errors.Is(err, syscall.ENOSPC) {
		return nil
	}
	if free, known, ferr := diskspace.FreeFiles(root); ferr == nil && known && free == 0 {
		return fmt.Errorf("creating %s under %s: %w", rel, filepath.Dir(root), ErrNoInodes)
	}
	return fmt.Errorf("creating %s: %w: %w", rel, ErrNoSpace, err)
}

// mkdirAllTracked creates dir and its missing parents (0700) and returns
// the ones it created, deepest last.
func mkdirAllTracked(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			removeCreated(created)
			return nil, fmt.Errorf("creating %s: %w", missing[i], err)
		}
		created = append(created, missing[i])
	}
	return created, nil
}

// removeCreated removes folders mkdirAllTracked made, if still empty.
func removeCreated(created []string) {
	for i := len(created) - 1; i >= 0; i-- {
		os.Remove(created[i])
	}
}

// TargetError is the error for a restore target that is not a new or
// empty folder: a file, or a folder holding something, or a path below
// a file, which cannot be made. It wraps ErrTargetNotEmpty.
type TargetError struct {
	// Dir is the target as given; NotAFolder says it is a file (or
	// anything else that is not a folder), Symlink that it is a symbolic
	// link: the restored folder would replace the link, not fill the
	// folder it points to.
	Dir        string
	NotAFolder bool
	Symlink    bool
	// Under, when set, is the file above Dir (FILE for FILE/x): Dir is
	// not there and cannot be made.
	Under string
}

// Error says what the target is, in true words.
func (e *TargetError) Error() string {
	switch {
	case e.Under != "":
		return e.Dir + " cannot be made: " + e.Under + " exists and is not a folder"
	case e.Symlink:
		return e.Dir + " is a symbolic link, not a folder"
	case e.NotAFolder:
		return e.Dir + " exists and is not a folder"
	}
	return e.Dir + " is not empty"
}

// Unwrap returns ErrTargetNotEmpty.
func (e *TargetError) Unwrap() error { return ErrTargetNotEmpty }

// CheckRestoreTarget returns a *TargetError when dir cannot be restored
// into: Restore refuses anything but a new or empty folder. A folder
// holding only what killed restores left (their temporary folders, which
// the next restore removes, and what one killed while it moved its files
// up into dir had moved, which the next restore finishes) counts as
// empty. Callers may ask before
// reading a backup, so that a mistake shows at once; Restore asks again
// as it starts and as it publishes the restored files.
func CheckRestoreTarget(dir string) error {
	return checkTarget(dir, "")
}

// checkTarget is CheckRestoreTarget, counting own (the name of this
// restore's temporary folder in dir, or "") as not there either.
func checkTarget(dir, own string) error {
	// Cleaned: "FILE/" is FILE, not a folder.
	fi, err := os.Lstat(filepath.Clean(dir))
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		// FILE/x: ENOTDIR on Unix, "not found" on Windows.
		if under := fileAbove(filepath.Clean(dir)); under != "" {
			return &TargetError{Dir: dir, Under: under}
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return errloc.Wrap(err, "checking "+dir, dir, filepath.Clean(dir))
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return &TargetError{Dir: dir, NotAFolder: true, Symlink: true}
	}
	if !fi.IsDir() {
		return &TargetError{Dir: dir, NotAFolder: true}
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	defer d.Close()
	root := -1 // whether dir is a file system's root: unknown yet
	var moved map[string]bool
	for {
		names, err := d.Readdirnames(64)
		for _, name := range names {
			if own != "" && (name == own || name == own+lockSuffix) {
				continue
			}
			if staleRestore(dir, name) {
				continue
			}
			if systemFolders[name] {
				if root < 0 {
					root = 0
					if isFSRoot(dir) {
						root = 1
					}
				}
				if fi, err := os.Lstat(filepath.Join(dir, name)); root == 1 && err == nil && fi.IsDir() {
					continue
				}
			}
			if moved == nil {
				all, _ := os.ReadDir(dir)
				moved = movedByDeadFills(dir, entryNames(all))
			}
			if moved[name] {
				continue
			}
			return &TargetError{Dir: dir}
		}
		if err == io.EOF || (err == nil && len(names) == 0) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", dir, err)
		}
	}
}

// fileAbove returns the nearest of path's parents that exists, when it
// is not a folder (FILE for FILE/x/y), else "".
func fileAbove(path string) string {
	for d := filepath.Dir(path); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		switch {
		case err == nil && fi.IsDir():
			return ""
		case err == nil:
			return d
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return ""
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// systemFolders are the folders a file system or an operating system
// makes at the root of a drive (ext4's lost+found, Windows' System
// Volume Information, macOS's .Trashes...): a freshly formatted USB stick
// holding only those counts as empty.
var systemFolders = map[string]bool{
	"lost+found":                true,
	"System Volume Information": true,
	"$RECYCLE.BIN":              true,
	".Trashes":                  true,
	".fseventsd":                true,
	".Spotlight-V100":           true,
}

// isFSRoot reports whether dir is the root of a file system: a drive's
// root (E:\ or /), or a mount point, on another device than its
// parent folder.
func isFSRoot(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return true
	}
	fi, err1 := os.Stat(abs)
	pi, err2 := os.Stat(parent)
	if err1 != nil || err2 != nil {
		return false
	}
	d1, ok1 := deviceOf(fi)
	d2, ok2 := deviceOf(pi)
	return ok1 && ok2 && d1 != d2
}

// fillInPlace renames the entries of tmp, a finished temporary folder
// inside dir, up into dir, then removes tmp, and makes it durable. dir
// must still be empty but for tmp; an entry that cannot be moved (one
// made in dir meanwhile under its name) stops it, and the entries
// already moved are moved back into tmp, for the caller to remove.
// Before it moves anything it writes m, naming the entries, into the
// restore's lock file, lock (when not nil), so that the next restore can
// finish a restore killed midway (finishInterrupted). beforeMove, when
// not nil, is called before each entry is moved: a test's hook.
func fillInPlace(tmp, dir string, lock *os.File, m fillManifest, beforeMove func(name string)) (err error) {
	if err := checkTarget(dir, filepath.Base(tmp)); err != nil {
		return err
	}
	d, err := os.Open(tmp)
	if err != nil {
		return fmt.Errorf("reading %s: %w", tmp, err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("reading %s: %w", tmp, err)
	}
	slices.Sort(names)
	if lock != nil {
		m.Names = names
		if err := writeManifest(lock, m); err != nil {
			return fmt.Errorf("moving restored files into %s: %w", dir, err)
		}
	}
	var moved []string
	defer func() {
		if err == nil {
			return
		}
		for i := len(moved) - 1; i >= 0; i-- {
			from, back := filepath.Join(dir, moved[i]), filepath.Join(tmp, moved[i])
			if os.Rename(from, back) != nil {
				os.RemoveAll(from)
			}
		}
	}()
	for _, name := range names {
		if beforeMove != nil {
			beforeMove(name)
		}
		if err := renameNoReplace(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("moving restored files into %s: %w", dir, err)
		}
		moved = append(moved, name)
	}
	if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("moving restored files into %s: %w", dir, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the renames in dir durable, where a folder can be
// flushed.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// renameChecked renames from to to unless to exists (fs.ErrExist). It
// is not atomic: something made at to between the look and the rename
// could be replaced.
func renameChecked(from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}

// moveIntoPlace renames the finished temporary folder to dir, replacing an
// empty dir, and makes the rename durable.
func moveIntoPlace(tmp, dir string) error {
	if err := CheckRestoreTarget(dir); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replacing empty folder %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("moving restored files into %s: %w", dir, err)
	}
	syncDir(filepath.Dir(dir))
	return nil
}

// extractor writes entries of the inner archive below root.
type extractor struct {
	pr   *plainReader
	root string
	// made is the last folder created, so that a folder's many files
	// do not each pay for MkdirAll.
	made string
	buf  []byte
	// direct opens a file for direct writes (directio.NewWriter when
	// nil); pieces are copyDirect's buffers, made on first use.
	direct directWriter
	pieces [][]byte
}

// extract writes one entry, checked by planExtraction, as restore does.
func (x *extractor) extract(e plannedEntry) error {
	if x.buf == nil {
		x.buf = make([]byte, entryBufferSize)
	}
	return visitEntry(x.pr, e, x.write, x.buf)
}

// write creates entry e below root from r, which reads its bytes.
func (x *extractor) write(e plannedEntry, r io.Reader) error {
	f, rel := e.file, e.rel
	target := filepath.Join(x.root, rel)
	if e.dir {
		if err := mkdirBelow(x.root, rel); err != nil {
			return cmp.Or(noRoomErr(x.root, rel, err), fmt.Errorf("creating folder %s: %w", rel, err))
		}
		return nil
	}
	if parent := filepath.Dir(target); parent != x.made {
		if err := mkdirBelow(x.root, filepath.Dir(rel)); err != nil {
			return cmp.Or(noRoomErr(x.root, rel, err), fmt.Errorf("creating folder for %s: %w", rel, err))
		}
		x.made = parent
	}
	out, err := createExclusive(target)
	if err != nil {
		return cmp.Or(noRoomErr(x.root, rel, err), fmt.Errorf("creating %s: %w", rel, err))
	}
	if err := x.copy(out, int64(f.UncompressedSize64), r); err != nil {
		out.Close()
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if err := syncFile(out); err != nil {
		out.Close()
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if !f.Modified.IsZero() {
		os.Chtimes(target, f.Modified, f.Modified)
	}
	return nil
}

// mkdirBelow makes the folder rel (a clean relative path) and its missing
// parents below root (0700), which must exist: unlike os.MkdirAll it
// never makes root again, so a restore whose folder went away (removed,
// its drive unmounted) fails rather than carry on in a new folder where
// the old one was.
func mkdirBelow(root, rel string) error {
	if rel == "." || rel == "" {
		return nil
	}
	dir := filepath.Join(root, rel)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	if parent := filepath.Dir(rel); parent != "." {
		if err := mkdirBelow(root, parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// copy writes r's bytes, size of them, to out: directly (copyDirect) when
// they are many and out allows it, else through the page cache.
func (x *extractor) copy(out *os.File, size int64, r io.Reader) error {
	if size >= directMin {
		direct := x.direct
		if direct == nil {
			direct = directio.NewWriter
		}
		if w := direct(out, directGather); w != nil {
			if x.pieces == nil {
				x.pieces = directio.Blocks(directPiece, directPieces)
			}
			return copyDirect(out, w, r, x.pieces)
		}
	}
	if x.buf == nil {
		x.buf = make([]byte, entryBufferSize)
	}
	_, err := io.CopyBuffer(&writebackWriter{f: out}, r, x.buf)
	return err
}

// writebackStep is how many bytes of a restored file are written before
// their writeback is started (startWriteback).
const writebackStep = 8 << 20

// writebackWriter writes to f, starting the writeback of every
// writebackStep bytes as it goes. Smaller files, and the tail of larger
// ones, are left to syncTree: a system call per file would slow a restore
// of many small files.
type writebackWriter struct {
	f        *os.File
	off, end int64 // bytes written; bytes whose writeback has started
}

func (w *writebackWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	w.off += int64(n)
	if w.off-w.end >= writebackStep {
		startWriteback(w.f, w.end, w.off-w.end)
		w.end = w.off
	}
	return n, err
}
