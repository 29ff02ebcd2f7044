package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFolderGivenForABackupFile: every command that reads a backup FILE
// refuses a folder given in its place with the usage exit code (the
// argument is wrong; exit 4 would say a backup is damaged), as it does a
// file that is not there, in one line naming it.
func TestFolderGivenForABackupFile(t *testing.T) {
	t.Parallel()
	folder := t.TempDir()
	missing := filepath.Join(t.TempDir(), "gone")
	pwFile := writePasswordFile(t, "whatever it is, it is not read")
	for _, arg := range []string{folder, missing} {
		for _, args := range [][]string{
			{"verify", arg},
			{"inspect", arg},
			{"restore", arg, "--to", filepath.Join(t.TempDir(), "out"), "--password-file", pwFile},
			{"send", arg, "--dest", "folder:" + t.TempDir()},
		} {
			t.Run(args[0]+" "+filepath.Base(arg), func(t *testing.T) {
				t.Parallel()
				c := newCLI(t)
				code := c.run(args...)
				stderr := c.stderr.String()
				if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, arg) {
					t.Errorf("exit %d, stderr %q; want exit %d and one line naming %s", code, stderr, exitUsage, arg)
				}
			})
		}
	}
}
