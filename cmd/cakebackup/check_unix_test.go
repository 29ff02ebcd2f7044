//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnreadableRenamedBackup: a renamed backup the user may not read (no
// permission) is not "another file": ls warns about it on one line and
// exits 0, check fails with exit 1 naming it as one that could not be
// read. Both counted it as no backup, and check passed.
func TestUnreadableRenamedBackup(t *testing.T) {
	t.Parallel()
	dir, run := asUnprivileged(t)
	backup, _ := sampleBackup(t)
	folder := filepath.Join(dir, "backups")
	if err := os.Mkdir(folder, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(folder, 0o777); err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(folder, "renamed")
	copyFile(t, backup, renamed) // 0600, another user's
	code, stderr := run(t, "ls", "folder:"+folder)
	want := "warning: could not tell whether " + renamed + " is a backup: no permission to read it"
	if code != 0 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("ls: exit %d, stderr %q; want exit 0 and one line starting %q", code, stderr, want)
	}
	code, stderr = run(t, "check", "folder:"+folder)
	want = "cakebackup: a backup could not be read: " + renamed + ": no permission to read it"
	if code != exitFailure || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("check: exit %d, stderr %q; want exit 1 and one line starting %q", code, stderr, want)
	}
}
