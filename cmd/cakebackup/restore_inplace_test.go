package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
)

// TestRestoreIntoAnExistingFolder: restore --to an existing empty folder
// fills it in place, given by its path or as "." (the current folder); a
// folder holding only what a killed restore left counts as empty, and the
// leftover is removed and named; a damaged backup fails (exit 4) leaving
// the folder there and empty. Not parallel: it changes the current
// folder.
func TestRestoreIntoAnExistingFolder(t *testing.T) {
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	want := readTree(t, sampleWallets)
	settings, err := os.ReadFile(sampleSettings)
	if err != nil {
		t.Fatal(err)
	}
	want["~_preferences_dump"] = settings
	wantRestored := func(t *testing.T, dir string) {
		t.Helper()
		got := readTree(t, dir)
		if len(got) != len(want) {
			t.Errorf("restored %d files, want %d", len(got), len(want))
		}
		for name, b := range want {
			if !bytes.Equal(got[name], b) {
				t.Errorf("restored %s differs from the original", name)
			}
		}
	}

	t.Run("by its path", func(t *testing.T) {
		dir := t.TempDir()
		out := c.mustRun("restore", file, "--to", dir, "--password-file", pwFile)
		if !strings.Contains(out, "into "+dir) {
			t.Errorf("stdout %q", out)
		}
		wantRestored(t, dir)
	})
	t.Run("the current folder", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		c.mustRun("restore", file, "--to", ".", "--password-file", pwFile)
		wantRestored(t, dir)
	})
	t.Run("holding a killed restore's leftover", func(t *testing.T) {
		dir := t.TempDir()
		// A process id that is surely not running: beyond pid_max.
		left := filepath.Join(dir, ".cakebackup.restoring-"+strconv.Itoa(1<<30)+"-1")
		if err := os.MkdirAll(filepath.Join(left, "wallets"), 0o700); err != nil {
			t.Fatal(err)
		}
		c.mustRun("restore", file, "--to", dir, "--password-file", pwFile)
		if !strings.Contains(c.stderr.String(), "Removed 1 folder(s) left by interrupted restores in "+dir) {
			t.Errorf("stderr %q: want the leftover's removal noted", c.stderr.String())
		}
		if _, err := os.Stat(left); !os.IsNotExist(err) {
			t.Errorf("the leftover is still there: %v", err)
		}
		wantRestored(t, dir)
	})
	t.Run("a damaged backup", func(t *testing.T) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 1
		damaged := filepath.Join(t.TempDir(), "damaged")
		if err := os.WriteFile(damaged, b, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		code := c.run("restore", damaged, "--to", dir, "--password-file", pwFile)
		wantOneLine(t, code, c.stderr.String(), exitDamaged, "")
		if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
			t.Errorf("%s holds %v (%v), want it there and empty", dir, entries, err)
		}
	})
}

// TestRestoreFinishesAnInterruptedFill: a folder holding what a restore
// killed while it moved its files into place left (some entries moved,
// the rest in its temporary folder, whose lock file lists them; the
// backup package kills a real restore to make it) is finished by the
// next restore --to it: of the same backup, it succeeds and notes it; of
// another, it finishes it too and refuses in one line saying why the
// folder is not empty now, exit 2; when what it had moved was removed
// since, the rest is removed and the folder restored afresh.
func TestRestoreFinishesAnInterruptedFill(t *testing.T) {
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	a, err := backup.Open(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	identity := "sha512:" + a.Info().SHA512
	f.Close()
	for _, c2 := range []struct {
		name, backup string
		// removeMoved removes what the killed restore had moved.
		removeMoved bool
		wantCode    int
		wantNote    string
	}{
		{"the same backup", identity, false, 0, "Finished the restore of this backup into "},
		{"another backup", "sha512:" + strings.Repeat("0", 128), false, exitUsage, "--to "},
		{"what it moved removed since", identity, true, 0, "Removed what was left of a restore into "},
	} {
		t.Run(c2.name, func(t *testing.T) {
			dir := t.TempDir()
			c.mustRun("restore", file, "--to", dir, "--password-file", pwFile)
			want := readTree(t, dir)
			names := listNamesIn(t, dir)
			if len(names) < 2 {
				t.Fatalf("the backup restores %v: want two entries or more", names)
			}
			// The first entry moved, the rest still in the temporary
			// folder of a restore by a process that is surely gone.
			tmp := filepath.Join(dir, ".cakebackup.restoring-"+strconv.Itoa(1<<30)+"-1")
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			for _, n := range names[1:] {
				if err := os.Rename(filepath.Join(dir, n), filepath.Join(tmp, n)); err != nil {
					t.Fatal(err)
				}
			}
			if c2.removeMoved {
				if err := os.RemoveAll(filepath.Join(dir, names[0])); err != nil {
					t.Fatal(err)
				}
			}
			manifest, _ := json.Marshal(map[string]any{"backup": c2.backup, "files": len(want), "names": names})
			if err := os.WriteFile(tmp+".lock", manifest, 0o600); err != nil {
				t.Fatal(err)
			}
			code := c.run("restore", file, "--to", dir, "--password-file", pwFile)
			stderr := c.stderr.String()
			if code != c2.wantCode || !strings.Contains(stderr, c2.wantNote+dir) {
				t.Errorf("exit %d, stderr %q; want exit %d and a note %q", code, stderr, c2.wantCode, c2.wantNote)
			}
			if code != 0 {
				wantOneLine(t, code, stderr, exitUsage, dir+" is not empty: it holds another backup's files, from a restore into it that was interrupted")
				if want := "cakebackup: --to " + dir + " is not empty: it holds another backup's files, from a restore into it that was interrupted while it moved them into place and is finished now; restore into a new or empty folder\n"; !strings.HasSuffix(stderr, want) {
					t.Errorf("stderr %q, want it to end with %q", stderr, want)
				}
			}
			if got := listNamesIn(t, dir); !slices.Equal(got, names) {
				t.Errorf("%s holds %v, want %v", dir, got, names)
			}
			got := readTree(t, dir)
			for n, b := range want {
				if !bytes.Equal(got[n], b) {
					t.Errorf("%s differs from the first restore's", n)
				}
			}
		})
	}
}

// listNamesIn returns the names in dir, sorted.
func listNamesIn(t *testing.T, dir string) []string {
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
