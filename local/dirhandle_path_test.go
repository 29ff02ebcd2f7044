package local

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestPathDirRenameNoReplace runs the macOS and Windows way of putting a
// finished backup under its final name here: a hard link, or where the
// file system has none (FAT, exFAT) a check and a rename; an existing
// file is never replaced either way.
func TestPathDirRenameNoReplace(t *testing.T) {
	// noLinks is a file system without hard links; Linux's vfat answers
	// link(2) with EPERM.
	noLinks := func(oldPath, newPath string) error {
		return &os.LinkError{Op: "link", Old: oldPath, New: newPath, Err: syscall.EPERM}
	}
	for _, tc := range []struct {
		name string
		link func(string, string) error
	}{
		{"hard links", os.Link},
		{"no hard links", noLinks},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var renames int
			sys := pathDirSys{
				link: tc.link,
				renameExclusive: func(oldPath, newPath string) error {
					renames++
					return os.Rename(oldPath, newPath)
				},
				syncUnsupported: func(error) bool { return false },
			}
			d, err := openPathDir(dir, sys)
			if err != nil {
				t.Fatal(err)
			}
			defer d.close()
			write := func(name, content string) {
				f, err := d.createExclusive(name)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.WriteString(content); err != nil {
					t.Fatal(err)
				}
				f.Close()
			}
			read := func(name string) string {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					return "(missing)"
				}
				return string(b)
			}
			write(".tmp1", "new")
			write("taken", "old")
			if _, err := d.createExclusive("taken"); !errors.Is(err, fs.ErrExist) {
				t.Fatalf("createExclusive over a file = %v", err)
			}
			err = d.renameNoReplace(".tmp1", "taken")
			if !errors.Is(err, fs.ErrExist) {
				t.Fatalf("rename onto a taken name = %v, want fs.ErrExist", err)
			}
			if read("taken") != "old" || read(".tmp1") != "new" {
				t.Fatalf("after a refused rename: taken %q, .tmp1 %q", read("taken"), read(".tmp1"))
			}
			if err := d.renameNoReplace(".tmp1", "final"); err != nil {
				t.Fatal(err)
			}
			if read("final") != "new" || read(".tmp1") != "(missing)" {
				t.Fatalf("after the rename: final %q, .tmp1 %q", read("final"), read(".tmp1"))
			}
			wantRenames := 0
			if tc.name == "no hard links" {
				wantRenames = 1
			}
			if renames != wantRenames {
				t.Fatalf("%d plain renames, want %d", renames, wantRenames)
			}
			if f, err := d.openRead("final"); err != nil {
				t.Fatal(err)
			} else {
				f.Close()
			}
			if fi, err := d.stat(); err != nil || !fi.IsDir() {
				t.Fatalf("stat = %v, %v", fi, err)
			}
			if err := d.sync(); err != nil {
				t.Fatal(err)
			}
			if err := d.remove("final"); err != nil || read("final") != "(missing)" {
				t.Fatalf("remove: %v", err)
			}
		})
	}
}

// A directory that cannot be flushed (Windows, some file systems) is no
// error; any other failure is.
func TestPathDirSync(t *testing.T) {
	d, err := openPathDir(t.TempDir(), pathDirSys{syncUnsupported: func(error) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	d.f.Close() // Sync on a closed file fails.
	if err := d.sync(); err != nil {
		t.Fatalf("sync where directories cannot be flushed = %v", err)
	}
	d.sys.syncUnsupported = func(error) bool { return false }
	if err := d.sync(); err == nil {
		t.Fatal("a failed sync was ignored")
	}
}
