package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oneErrorLine checks that a run printed its error as one line (warnings
// aside) holding every one of want, and returns it.
func oneErrorLine(t *testing.T, c *cliRun, want ...string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(c.stderr.String(), "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "cakebackup: ") {
		t.Errorf("error line %q does not start with cakebackup:", last)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.HasPrefix(l, "warning: ") {
			t.Errorf("extra stderr line %q", l)
		}
	}
	for _, w := range want {
		if !strings.Contains(last, w) {
			t.Errorf("error line %q does not mention %q", last, w)
		}
	}
	return last
}

func TestCreateRefusesAFolderWithoutWallets(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwFile := writePasswordFile(t, "a long enough password for these tests")
	empty := t.TempDir()
	// A copy of examples/: the data folder is its wallets/ folder.
	examples := t.TempDir()
	installCakeWallet(t, filepath.Join(examples, "wallets"))
	notJSON := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(notJSON, []byte("current_theme = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	array := filepath.Join(t.TempDir(), "array.json")
	if err := os.WriteFile(array, []byte("[1, 2]"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"empty folder", []string{"--source", empty}, []string{empty, "no wallet files", "--allow-empty"}},
		{"parent of the data folder", []string{"--source", examples}, []string{"--source " + filepath.Join(examples, "wallets")}},
		{"the wallets folder inside", []string{"--source", filepath.Join(examples, "wallets", "wallets")}, []string{"--source " + filepath.Join(examples, "wallets")}},
		{"settings not JSON", []string{"--source", sampleWallets, "--settings", notJSON}, []string{notJSON, "settings JSON"}},
		{"settings not an object", []string{"--source", sampleWallets, "--settings", array}, []string{array}},
		{"settings missing", []string{"--source", sampleWallets, "--settings", "/nonexistent/settings.json"}, []string{"--settings", "/nonexistent/settings.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := t.TempDir()
			args := append([]string{"create", "--dest", "folder:" + dest, "--password-file", pwFile}, tt.args...)
			if code := c.run(args...); code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, c.stderr.String())
			}
			oneErrorLine(t, c, tt.want...)
			if got := readTree(t, dest); len(got) != 0 {
				t.Errorf("a refused create wrote %v", got)
			}
		})
	}

	t.Run("--allow-empty backs up a folder without wallets", func(t *testing.T) {
		dest := t.TempDir()
		if err := os.WriteFile(filepath.Join(empty, "notes.txt"), []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		c.mustRun("create", "--source", empty, "--allow-empty", "--dest", "folder:"+dest, "--password-file", pwFile, "--quiet")
		if got := readTree(t, dest); len(got) != 1 {
			t.Errorf("destination holds %d files, want one backup", len(got))
		}
	})
}
