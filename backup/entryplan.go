package backup

import (
	"archive/zip"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cakebackup/cakebackup/bytesize"
)

// ErrTooLarge is wrapped when a backup would write more than the size
// limit (RestoreOptions.MaxSize) on restore.
var ErrTooLarge = errors.New("backup expands beyond the size limit")

// Without RestoreOptions.MaxSize, a restore may write at most
// defaultMaxRatio times the inner archive's size, and never less than
// defaultMaxFloor is allowed. Our backups store files uncompressed (ratio
// 1); the app deflates already-encrypted wallet files, which do not
// shrink.
const (
	defaultMaxRatio = 32
	defaultMaxFloor = 256 << 20
)

// RestoreOptions configure Restore and the checks Verify shares with it.
type RestoreOptions struct {
	// MaxSize is the most a restore may write, in bytes, summing the
	// files' declared sizes. Zero means 32 times the size of the inner
	// archive, and at least 256 MiB.
	MaxSize int64

	// beforeMove is a test's hook: a restore filling an existing folder
	// calls it before it moves each entry into place (fillInPlace).
	beforeMove func(name string)
}

// maxSize returns the size limit for an inner archive of plainSize bytes.
func (o RestoreOptions) maxSize(plainSize int64) int64 {
	if o.MaxSize > 0 {
		return o.MaxSize
	}
	if plainSize > (1<<62)/defaultMaxRatio {
		return 1 << 62
	}
	return max(defaultMaxFloor, defaultMaxRatio*plainSize)
}

// plannedEntry is an entry of the inner archive cleared for restoring.
type plannedEntry struct {
	file *zip.File
	rel  string // the path below the target, with the system's separators
	dir  bool
	off  int64 // where its local header lies in the inner archive
}

// extractPlan is what a restore will do, checked before anything is
// written. Verify builds the same plan, so that a backup that verifies
// restores.
type extractPlan struct {
	// entries are in the order their data lies in the inner archive, so
	// reading them decrypts every chunk once whatever order the central
	// directory lists them in.
	entries []plannedEntry
	// size is the sum of the files' declared sizes; diskSize the same
	// rounded up to whole blocks, with a block per folder.
	size, diskSize int64
	// clashes are pairs of names (the earlier first) that differ only in
	// case or accents, or where one lies inside a file the other names
	// so: one file where those do not count (macOS, Windows).
	clashes [][2]string
}

// diskBlock is the allocation unit assumed when checking free space.
const diskBlock = 4096

// planExtraction applies the per-entry rules shared by Verify and
// Restore: portable names (entryNameProblem), no two entries that would
// land on the same file of a case-sensitive file system (names that
// would on macOS or Windows are recorded in clashes: the app makes them
// on a phone, and Restore refuses them only where the file system it
// writes to folds them), regular files and folders only, compression
// methods archive/zip reads, sizes the data can hold, no entries sharing
// data, and a total within limit.
func planExtraction(zr *zip.Reader, offsets []int64, dirOffset, limit int64) (*extractPlan, error) {
	plan := &extractPlan{entries: make([]plannedEntry, 0, len(zr.File))}
	names, folded := newExactNameSet(len(zr.File)), newNameSet(len(zr.File))
	for i, f := range zr.File {
		unsafe := func(why string) error {
			return fmt.Errorf("entry %q %s: %w", f.Name, why, ErrUnsafePath)
		}
		mode := f.Mode()
		dir := mode.IsDir() || strings.HasSuffix(f.Name, "/")
		name := f.Name
		if dir {
			name = strings.TrimSuffix(name, "/")
		}
		if why := entryNameProblem(name); why != "" {
			return nil, unsafe(why)
		}
		switch {
		case dir && f.UncompressedSize64 != 0:
			return nil, unsafe("is a folder with contents")
		case !dir && !mode.IsRegular():
			return nil, unsafe(fmt.Sprintf("is a %s, not a regular file", fileKind(mode)))
		}
		rel := filepath.FromSlash(name)
		if !filepath.IsLocal(rel) {
			return nil, unsafe("leaves the target folder")
		}
		if other, ok := names.add(name, dir); !ok {
			if other == name {
				return nil, unsafe("appears twice")
			}
			return nil, unsafe(fmt.Sprintf("lies inside the file %q", other))
		}
		// Names one only where case or accents do not count (macOS,
		// Windows) are the app's to make on a phone: restore checks the
		// file system it writes to.
		if other, ok := folded.add(name, dir); !ok {
			plan.clashes = append(plan.clashes, [2]string{other, name})
		}
		switch f.Method {
		case zip.Store:
			if f.CompressedSize64 != f.UncompressedSize64 {
				return nil, fmt.Errorf("entry %q has impossible sizes: %w", f.Name, ErrNotBackup)
			}
		case zip.Deflate:
			if f.UncompressedSize64 > 1100*f.CompressedSize64+1024 {
				return nil, fmt.Errorf("entry %q has impossible sizes: %w", f.Name, ErrNotBackup)
			}
		default:
			return nil, fmt.Errorf("entry %q uses compression method %d: %w", f.Name, f.Method, ErrNotBackup)
		}
		if f.CompressedSize64 > uint64(dirOffset) {
			return nil, fmt.Errorf("entry %q is larger than the archive: %w", f.Name, ErrNotBackup)
		}
		plan.entries = append(plan.entries, plannedEntry{file: f, rel: rel, dir: dir, off: offsets[i]})
		plan.size += int64(f.UncompressedSize64)
		plan.diskSize += (int64(f.UncompressedSize64) + diskBlock - 1) / diskBlock * diskBlock
		if dir || f.UncompressedSize64 == 0 {
			plan.diskSize += diskBlock
		}
		if plan.size > limit {
			return nil, fmt.Errorf("its files add up to more than %s: %w", bytesize.Format(limit), ErrTooLarge)
		}
	}
	slices.SortStableFunc(plan.entries, func(a, b plannedEntry) int { return cmp.Compare(a.off, b.off) })
	// Each entry's local header and data must end before the next one
	// starts: entries sharing data are how a small archive claims to hold
	// terabytes.
	for i := 1; i < len(plan.entries); i++ {
		prev, cur := plan.entries[i-1], plan.entries[i]
		if prev.off+localHeaderLen+int64(len(prev.file.Name))+int64(prev.file.CompressedSize64) > cur.off {
			return nil, fmt.Errorf("entries %q and %q share data: %w", prev.file.Name, cur.file.Name, ErrNotBackup)
		}
	}
	if n := len(plan.entries); n > 0 {
		last := plan.entries[n-1]
		if last.off+localHeaderLen+int64(len(last.file.Name))+int64(last.file.CompressedSize64) > dirOffset {
			return nil, fmt.Errorf("entry %q runs into the archive's directory: %w", last.file.Name, ErrNotBackup)
		}
	}
	return plan, nil
}

// fileKind names a non-regular file mode for messages.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// inodes is how many files and folders extracting the plan makes: one
// per file, and one per folder, named by an entry or holding one.
func (p *extractPlan) inodes() int64 {
	folders := map[string]bool{}
	var n int64
	for _, e := range p.entries {
		d := e.rel
		if !e.dir {
			n++
			d = filepath.Dir(d)
		}
		for ; d != "." && d != string(filepath.Separator) && !folders[d]; d = filepath.Dir(d) {
			folders[d] = true
		}
	}
	return n + int64(len(folders))
}
