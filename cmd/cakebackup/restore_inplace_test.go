package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRestoreIntoAnExistingFolder: restore --to an existing empty folder
// fills it in place, given by its path or as "." (the current folder); a
// folder holding only what a killed restore left counts as empty, and the
// leftover is removed and named; a damaged backup fails (exit 4) leaving
// the folder there and empty. Not parallel: it changes the current
// folder.
func TestRestoreIntoAnExistingFolder(t *testing.T) {
	c := newCLI(t)
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	file := createBackup(t, c, pwFile)
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
