package backup

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Restore extracts the backup into dir, which must be absent or empty
// (ErrTargetNotEmpty otherwise). It works in a temporary folder beside dir
// and renames it into place only when everything is extracted and
// verified; on any error nothing is left behind. Files are created 0600
// and folders 0700.
func (a *Archive) Restore(ctx context.Context, password, dir string) (err error) {
	dir = filepath.Clean(dir)
	if err := checkRestoreTarget(dir); err != nil {
		return err
	}
	// Open the inner archive first: a wrong password or a damaged
	// directory fails before anything is created.
	pr, zr, err := a.openInner(ctx, newKeyCache(password))
	if err != nil {
		return err
	}
	defer pr.Close()

	parent := filepath.Dir(dir)
	created, err := mkdirAllTracked(parent)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restoring-")
	if err != nil {
		removeCreated(created)
		return fmt.Errorf("creating a temporary folder in %s: %w", parent, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
			removeCreated(created)
		}
	}()

	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := extractEntry(pr, f, tmp); err != nil {
			return err
		}
	}
	if err := pr.finish(); err != nil {
		return err
	}
	return moveIntoPlace(tmp, dir)
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

// checkRestoreTarget accepts a missing folder or an empty one.
func checkRestoreTarget(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checking %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a folder: %w", dir, ErrTargetNotEmpty)
	}
	names, err := readDirNames(dir)
	if err != nil {
		return err
	}
	if len(names) > 0 {
		return fmt.Errorf("%s: %w", dir, ErrTargetNotEmpty)
	}
	return nil
}

func readDirNames(dir string) ([]string, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	defer d.Close()
	names, err := d.Readdirnames(1)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	return names, nil
}

// moveIntoPlace renames the finished temporary folder to dir, replacing an
// empty dir, and makes the rename durable.
func moveIntoPlace(tmp, dir string) error {
	if err := checkRestoreTarget(dir); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replacing empty folder %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("moving restored files into %s: %w", dir, err)
	}
	if d, err := os.Open(filepath.Dir(dir)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// localPath turns an entry name into a path below the restore folder, or
// refuses it: absolute paths, "..", backslashes, NUL bytes, drive letters.
func localPath(name string) (string, error) {
	unsafe := func(why string) error {
		return fmt.Errorf("entry %q %s: %w", name, why, ErrUnsafePath)
	}
	trimmed := strings.TrimSuffix(name, "/")
	switch {
	case trimmed == "":
		return "", unsafe("has an empty name")
	case strings.ContainsAny(name, "\\\x00"):
		return "", unsafe("contains a backslash or NUL byte")
	case strings.HasPrefix(name, "/"):
		return "", unsafe("is an absolute path")
	case len(trimmed) >= 2 && trimmed[1] == ':':
		return "", unsafe("starts with a drive letter")
	}
	for _, part := range strings.Split(trimmed, "/") {
		if part == ".." {
			return "", unsafe("leaves the target folder")
		}
	}
	p := filepath.FromSlash(trimmed)
	if !filepath.IsLocal(p) {
		return "", unsafe("leaves the target folder")
	}
	return p, nil
}

// extractEntry writes one entry of the inner archive below root.
func extractEntry(pr *plainReader, f *zip.File, root string) error {
	rel, err := localPath(f.Name)
	if err != nil {
		return err
	}
	target := filepath.Join(root, rel)
	mode := f.Mode()
	switch {
	case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
		if err := os.MkdirAll(target, 0o700); err != nil {
			return fmt.Errorf("creating folder %s: %w", rel, err)
		}
		return nil
	case !mode.IsRegular():
		return fmt.Errorf("entry %q is a %v, not a regular file: %w", f.Name, mode.Type(), ErrUnsafePath)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return fmt.Errorf("creating folder for %s: %w", rel, err)
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("creating %s: %w", rel, err)
	}
	rc, err := f.Open()
	if err != nil {
		out.Close()
		return innerErr(pr, f.Name, err)
	}
	_, err = io.Copy(out, rc)
	rc.Close()
	if err != nil {
		out.Close()
		if pr.err != nil || isZipReadErr(err) {
			return innerErr(pr, f.Name, err)
		}
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	if err := out.Sync(); err != nil {
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

func isZipReadErr(err error) bool {
	return errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) ||
		errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, io.ErrUnexpectedEOF)
}
