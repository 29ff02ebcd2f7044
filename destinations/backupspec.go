package destinations

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/cakebackup/cakebackup/internal/errloc"
)

// ErrNoBackupName is wrapped by OpenBackup's error for a spec that names
// a place but no backup in it, such as "proton:/Backups/Cake/".
var ErrNoBackupName = errors.New("names a folder, not a backup")

// SplitBackup splits a backup's spec, a destination spec followed by the
// backup's name ("proton:/Backups/Cake/NAME", "usb:WALLETS/NAME",
// "downloads:NAME"), into the destination's spec and the name.
func SplitBackup(spec string) (dest Spec, name string, err error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return Spec{}, "", err
	}
	dir, name := path.Split(s.Arg)
	if name == "" {
		return Spec{}, "", fmt.Errorf("%s %w", spec, ErrNoBackupName)
	}
	if dir != "" {
		dir = path.Clean(dir)
	}
	return Spec{Scheme: s.Scheme, Arg: dir}, name, nil
}

// JoinBackup spells the backup called name at the destination spec, the
// inverse of SplitBackup: downloads:NAME for a kind alone (downloads),
// proton:/Backups/NAME for a folder (proton:/Backups or proton:/Backups/).
func JoinBackup(spec, name string) string {
	switch {
	case !strings.Contains(spec, ":"):
		return spec + ":" + name
	case strings.HasSuffix(spec, ":"):
		return spec + name
	}
	return strings.TrimSuffix(spec, "/") + "/" + name
}

// OpenBackup opens the backup spec names (see SplitBackup) for reading.
// Closing the returned Reader closes its destination too. A spec without
// a backup's name gives an error wrapping ErrNoBackupName; once split, a
// destination or backup that does not open gives a *BackupOpenError,
// which wraps ErrNotFound for a backup that is not there.
func (r *Registry) OpenBackup(ctx context.Context, spec string) (Reader, error) {
	ds, name, err := SplitBackup(spec)
	if err != nil {
		return nil, err
	}
	d, err := r.Open(ctx, ds.String())
	if err != nil {
		return nil, &BackupOpenError{Dest: ds, Name: name, Err: err}
	}
	rd, err := d.Open(ctx, name)
	if err != nil {
		d.Close()
		loc := strings.TrimSuffix(d.Spec(), "/") + "/" + name
		return nil, &BackupOpenError{Dest: ds, Name: name, Err: errloc.Wrap(err, loc, Spellings(loc)...)}
	}
	return &backupReader{Reader: rd, dest: d}, nil
}

// BackupOpenError is OpenBackup's error for a backup at a destination
// that would not open: the destination, or the backup in it. Its text is
// Err's.
type BackupOpenError struct {
	// Dest is the destination's spec as the backup's spec spells it
	// (what ls takes to list it), Name the backup's name there.
	Dest Spec
	Name string
	// Err is why it did not open.
	Err error
}

// Error is Err's text.
func (e *BackupOpenError) Error() string { return e.Err.Error() }

// Unwrap returns why the backup did not open.
func (e *BackupOpenError) Unwrap() error { return e.Err }

// backupReader is a backup read from a destination, which it closes too.
type backupReader struct {
	Reader
	dest Destination
}

func (b *backupReader) Close() error {
	err := b.Reader.Close()
	if cerr := b.dest.Close(); err == nil {
		err = cerr
	}
	return err
}

// ErrNotAFile is wrapped by OpenStored's error for a path that exists but
// is a folder or a device, not a file.
var ErrNotAFile = errors.New("is not a backup file")

// ErrNoSuchFile is wrapped by OpenStored's error for an argument that is
// neither an existing file nor a backup at a destination other than a
// folder.
var ErrNoSuchFile = errors.New("no such backup file")

// OpenStored opens a backup named the way people name one: the path of a
// file, or a destination spec followed by the backup's name (see
// SplitBackup), such as
// proton:/Backups/Cake/cake_wallet_backup_2026-11-25_010203. Besides
// OpenBackup's errors, it returns ones wrapping ErrNotAFile and
// ErrNoSuchFile, and a *ReadError for a file that may be there but
// cannot be read (no permission to look, a loop of symbolic links).
func (r *Registry) OpenStored(ctx context.Context, arg string) (Reader, error) {
	fi, err := os.Stat(arg)
	switch {
	case err == nil:
		return openFile(arg, arg, fi)
	case !notThere(err) && !r.namesKind(arg):
		return nil, &ReadError{Loc: arg, Err: err}
	}
	ds, _, err := SplitBackup(arg)
	switch {
	case errors.Is(err, ErrNoBackupName) && !strings.Contains(arg, ":") && r.openers[strings.TrimSpace(arg)] == nil:
		// A bare word that is no destination kind: a file name in the
		// current folder, mistyped or gone.
		return nil, fmt.Errorf("%s: %w", arg, ErrNoSuchFile)
	case errors.Is(err, ErrNoBackupName):
		return nil, err
	case err == nil && ds.Scheme == "folder":
		// folder:PATH names the file at PATH, as ls folder:DIR lists it.
		if s, err := ParseSpec(arg); err == nil && s.Arg != "" {
			fi, err := os.Stat(s.Arg)
			switch {
			case err == nil:
				return openFile(arg, s.Arg, fi)
			case !notThere(err):
				return nil, &ReadError{Loc: arg, Err: err}
			}
		}
		// A path that is not there: saying "not found at folder:..."
		// would only confuse.
		return nil, fmt.Errorf("%s: %w", arg, ErrNoSuchFile)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", arg, ErrNoSuchFile)
	}
	return r.OpenBackup(ctx, arg)
}

// openFile opens the local file at path, which arg names and fi
// describes, for reading: only a regular file is a backup.
func openFile(arg, path string, fi os.FileInfo) (Reader, error) {
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %w", arg, ErrNotAFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &ReadError{Loc: arg, Err: err}
	}
	return NewFileReader(f, fi.Size()), nil
}

// namesKind reports whether arg starts with a registered kind and a
// colon (proton:/..., downloads:NAME): a spec, whatever the system says
// of it as a file's name (on Windows, "proton:/x" is no valid one, and
// os.Stat's error is not fs.ErrNotExist).
func (r *Registry) namesKind(arg string) bool {
	if filepath.IsAbs(arg) {
		return false
	}
	kind, _, ok := strings.Cut(strings.TrimSpace(arg), ":")
	return ok && r.openers[kind] != nil
}

// notThere reports whether err, from os.Stat, says there is nothing at
// the path: no such file, or a part of the path that is a file (ENOTDIR),
// so nothing under it.
func notThere(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// ReadError is the error for a backup file that cannot be read, though
// it may be there: "LOC: why", with a refused read ([fs.ErrPermission])
// said as "no permission to read it". It is not a missing file:
// errors.Is(err, ErrNoSuchFile) is false.
type ReadError struct {
	// Loc is the backup as given, Err the system's error.
	Loc string
	Err error
}

// Error names the backup once and says why it cannot be read.
func (e *ReadError) Error() string { return e.Loc + ": " + e.Reason() }

// Reason is why the backup cannot be read, without its name: for a line
// that names it already.
func (e *ReadError) Reason() string {
	if errors.Is(e.Err, fs.ErrPermission) {
		return "no permission to read it"
	}
	if errors.Is(e.Err, syscall.EIO) {
		return "cannot read it (input/output error): was its drive unplugged?"
	}
	var pe *fs.PathError
	if errors.As(e.Err, &pe) && e.Err.Error() == pe.Error() {
		return pe.Err.Error() // the path it names is Loc's
	}
	return e.Err.Error()
}

// Unwrap returns the system's error.
func (e *ReadError) Unwrap() error { return e.Err }
