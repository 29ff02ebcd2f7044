package backup

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// listNames returns the names in dir, sorted.
func listNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// wantSmallBackup checks that dir holds exactly smallBackup's files.
func wantSmallBackup(t *testing.T, dir string) {
	t.Helper()
	got := readTree(t, dir)
	if len(got) != 3 || string(got["wallets/monero/a/a.keys"]) != "keys" {
		t.Errorf("%s holds %q, want smallBackup's 3 files", dir, slices.Sorted(func(yield func(string) bool) {
			for k := range got {
				if !yield(k) {
					return
				}
			}
		}))
	}
}

// TestRestoreFillsAnExistingFolder: an existing empty folder is filled in
// place: it is the same folder afterwards, with its own mode, holding the
// backup's files and nothing else, and nothing is left beside it. A
// folder holding only a dead restore's temporary folder counts as empty
// (the leftover is removed and counted); one holding a running restore's
// does not.
func TestRestoreFillsAnExistingFolder(t *testing.T) {
	t.Parallel()
	a, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	gone := strconv.Itoa(deadPID(t))
	cases := []struct {
		name string
		// fill puts what the folder holds before the restore.
		fill          func(t *testing.T, dir string)
		wantReclaimed int
		refused       bool
	}{
		{"empty", func(*testing.T, string) {}, 0, false},
		{"a dead restore's leftover", func(t *testing.T, dir string) {
			left := filepath.Join(dir, ".cakebackup.restoring-"+gone+"-7")
			if err := os.MkdirAll(filepath.Join(left, "wallets"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(left, "wallets", "w.keys"), []byte("half"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(left+lockSuffix, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, 1, false},
		{"a running restore's folder", func(t *testing.T, dir string) {
			// init never exits.
			if err := os.Mkdir(filepath.Join(dir, ".cakebackup.restoring-1-7"), 0o700); err != nil {
				t.Fatal(err)
			}
		}, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			dir := filepath.Join(parent, "mine")
			if err := os.Mkdir(dir, 0o750); err != nil {
				t.Fatal(err)
			}
			c.fill(t, dir)
			before := listNames(t, dir)
			info, _ := os.Stat(dir)
			res, err := a.restore(t.Context(), testKeys, dir, RestoreOptions{})
			if c.refused {
				if !errors.Is(err, ErrTargetNotEmpty) {
					t.Fatalf("restore: %v, want ErrTargetNotEmpty", err)
				}
				if after := listNames(t, dir); !slices.Equal(before, after) {
					t.Errorf("the folder held %v, now %v", before, after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.InPlace || res.Reclaimed.Items != c.wantReclaimed || res.Files != 3 {
				t.Errorf("result %+v, want InPlace, %d reclaimed, 3 files", res, c.wantReclaimed)
			}
			now, err := os.Stat(dir)
			if err != nil || !os.SameFile(info, now) || now.Mode().Perm() != 0o750 {
				t.Fatalf("after the restore %s is %v (%v), want the same folder, mode 0750", dir, now, err)
			}
			if got := listNames(t, parent); !slices.Equal(got, []string{"mine"}) {
				t.Errorf("beside the folder: %v", got)
			}
			os.Chmod(dir, 0o700)
			wantSmallBackup(t, dir)
		})
	}
}

// TestRestoreIntoCurrentFolder: restore --to . fills the current folder,
// which cannot be replaced by a rename.
func TestRestoreIntoCurrentFolder(t *testing.T) {
	a, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if _, err := a.restore(t.Context(), testKeys, ".", RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	wantSmallBackup(t, dir)
}

// TestRestoreIntoAMountPoint: a file system's root (a USB stick mounted
// at a folder) is filled in place; it cannot be removed or replaced, and
// a temporary folder beside it would be on another file system. Root
// only: it mounts a tmpfs.
func TestRestoreIntoAMountPoint(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	a, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.restore(t.Context(), testKeys, mnt, RestoreOptions{}); err != nil {
		t.Fatal(err)
	}
	wantSmallBackup(t, mnt)
}

// TestRestoreInPlaceFailureLeavesTheFolderEmpty: a restore into an
// existing folder that fails while it extracts (a damaged last chunk)
// leaves the folder there, empty.
func TestRestoreInPlaceFailureLeavesTheFolderEmpty(t *testing.T) {
	t.Parallel()
	probe, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	a := smallBackupTamperedAt(t, len(probe.chunks)-1)
	dir := filepath.Join(t.TempDir(), "mine")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := a.restore(t.Context(), testKeys, dir, RestoreOptions{}); !errors.Is(err, ErrBadChecksum) {
		t.Fatalf("restore: %v, want ErrBadChecksum", err)
	}
	if names := listNames(t, dir); len(names) != 0 {
		t.Errorf("%s holds %v after the failed restore", dir, names)
	}
}

// TestFillInPlaceTakesBackWhatItMoved: when one entry cannot be moved up
// (here the last, a mount point, which cannot be renamed; or, not as
// root, a folder without write permission, whose ".." cannot change),
// those moved before it are moved back: the target holds nothing of the
// restore but its temporary folder, which still holds every entry.
func TestFillInPlaceTakesBackWhatItMoved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tmp := filepath.Join(dir, ".cakebackup.restoring-"+strconv.Itoa(os.Getpid())+"-1")
	entries := []string{"a", "b", "wallets", "zz-stuck"}
	for _, e := range entries {
		if err := os.MkdirAll(filepath.Join(tmp, e, "inner"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	stuck := filepath.Join(tmp, "zz-stuck")
	if os.Geteuid() == 0 {
		if out, err := exec.Command("mount", "--bind", t.TempDir(), stuck).CombinedOutput(); err != nil {
			t.Skipf("bind mount: %v: %s", err, out)
		}
		t.Cleanup(func() { exec.Command("umount", stuck).Run() })
	} else {
		if err := os.Chmod(stuck, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(stuck, 0o700) })
	}
	err := fillInPlace(tmp, dir, nil, fillManifest{}, nil)
	if err == nil {
		t.Fatal("fillInPlace moved a mount point")
	}
	if got := listNames(t, dir); !slices.Equal(got, []string{filepath.Base(tmp)}) {
		t.Errorf("%s holds %v, want only the temporary folder", dir, got)
	}
	if got := listNames(t, tmp); !slices.Equal(got, entries) {
		t.Errorf("the temporary folder holds %v, want %v", got, entries)
	}
	if _, err := os.Stat(filepath.Join(tmp, "a", "inner")); err != nil {
		t.Errorf("what was moved back lost its contents: %v", err)
	}
	var target *TargetError
	if errors.As(err, &target) || errors.Is(err, fs.ErrExist) {
		t.Errorf("error %v: want the rename's own", err)
	}
}

// TestRestoreLongName: a target whose name is nearly as long as a name
// may be, new or existing, restores: the temporary folder's name holds
// only the start of it.
func TestRestoreLongName(t *testing.T) {
	t.Parallel()
	a, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 120) // 240 bytes
	for _, existing := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), long)
		if existing {
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.restore(t.Context(), testKeys, dir, RestoreOptions{}); err != nil {
			t.Fatalf("restore into %d bytes' name (existing: %v): %v", len(long), existing, err)
		}
		wantSmallBackup(t, dir)
	}
	if p := restoringPrefix(long); !utf8.ValidString(p) || len(p) > 100 {
		t.Errorf("prefix %q: want valid UTF-8, short", p)
	}
}
