package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRestoreMaxSizeAndLeftovers: --max-size below the backup's size is
// refused with one line naming the flag (exit 1, nothing written); a
// bad value is a usage error; a restore removes a dead restore's folder
// beside its target and says so.
func TestRestoreMaxSizeAndLeftovers(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	b, pw := sampleBackup(t)
	parent := t.TempDir()
	target := filepath.Join(parent, "out")

	if code := c.run("restore", b, "--to", target, "--password-file", pw, "--max-size", "1K"); code != 1 {
		t.Fatalf("exit %d, stderr %q", code, c.stderr.String())
	}
	if msg := c.stderr.String(); strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "--max-size") {
		t.Errorf("stderr %q", msg)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
	if code := c.run("verify", b, "--password-file", pw, "--max-size", "1K"); code != 1 || !strings.Contains(c.stderr.String(), "--max-size") {
		t.Errorf("verify --max-size 1K: exit %d, stderr %q", code, c.stderr.String())
	}
	c.mustRun("verify", b, "--password-file", pw, "--max-size", "1G")
	if code := c.run("restore", b, "--to", target, "--password-file", pw, "--max-size", "lots"); code != 2 {
		t.Errorf("--max-size lots: exit %d", code)
	}

	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	leftover := filepath.Join(parent, ".old.restoring-"+strconv.Itoa(cmd.ProcessState.Pid())+"-7")
	if err := os.MkdirAll(leftover, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(leftover, "wallet.keys"), make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	c.mustRun("restore", b, "--to", target, "--password-file", pw, "--max-size", "1G")
	if !strings.Contains(c.stderr.String(), "Removed 1 folder(s) left by interrupted restores") || !strings.Contains(c.stderr.String(), "2.0 KiB") {
		t.Errorf("stderr %q", c.stderr.String())
	}
	if _, err := os.Stat(leftover); err == nil {
		t.Error("the leftover is still there")
	}
}
