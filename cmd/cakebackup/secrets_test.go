package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPasswordSourcesAreBounded: a password file that never ends a line
// (/dev/zero) is refused at once in one line, as is one others can read.
func TestPasswordSourcesAreBounded(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	out := t.TempDir()
	loose := writePasswordFile(t, "correct horse battery staple 42")
	os.Chmod(loose, 0o644)
	for _, pwFile := range []string{"/dev/zero", loose} {
		code := c.run("create", "--source", sampleWallets, "--dest", "folder:"+out, "--password-file", pwFile)
		if code != exitUsage || strings.Count(c.stderr.String(), "\n") != 1 {
			t.Errorf("--password-file %s: exit %d, stderr %q", pwFile, code, c.stderr.String())
		}
	}
	c.stdin = strings.Repeat("x", 1<<20)
	if code := c.run("verify", filepath.Join(out, "none"), "--password-stdin"); code != exitUsage || !strings.Contains(c.stderr.String(), "4096") {
		t.Errorf("--password-stdin with a 1 MiB line: exit %d, stderr %q", code, c.stderr.String())
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a backup was made: %v", entries)
	}
}

// TestCreateNeedsOnlyTheConfigFolder: with only XDG_CONFIG_HOME known (no
// HOME, no state folder), create still finds its saved default and works;
// the config folder is made or tightened to 0700.
func TestCreateNeedsOnlyTheConfigFolder(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	cfgHome := c.vars["XDG_CONFIG_HOME"]
	c.vars = map[string]string{"XDG_CONFIG_HOME": cfgHome}
	dir := filepath.Join(cfgHome, "cakebackup")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte("default_dest = \"folder:"+out+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("create", "--source", sampleWallets, "--password-file", writePasswordFile(t, "correct horse battery staple 42"))
	if entries, _ := os.ReadDir(out); len(entries) != 1 {
		t.Fatalf("the saved default folder holds %d files", len(entries))
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("config folder mode %v, want 0700", fi.Mode().Perm())
	}
}
