//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// runWithStdout runs the program as a process of its own, in a new home
// without a password in its environment, with stdout the file given,
// and returns its stderr and how it ended.
func runWithStdout(t *testing.T, stdout *os.File, args ...string) (stderr string, state *os.ProcessState) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(programPath(t), args...)
	cmd.Env = []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"PATH=" + os.Getenv("PATH"),
	}
	var errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &errBuf
	err := cmd.Run()
	if err != nil && !errors.As(err, new(*exec.ExitError)) {
		t.Fatal(err)
	}
	return errBuf.String(), cmd.ProcessState
}

// TestStdoutToDevFull: the real program, its stdout on /dev/full, which
// fails every write with ENOSPC: inspect exits 1 with one line; create,
// which could not show the generated password, removes the backup made
// with it and says so in one line.
func TestStdoutToDevFull(t *testing.T) {
	t.Parallel()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	file, _ := sampleBackup(t)
	stderr, state := runWithStdout(t, full, "inspect", file)
	if state.ExitCode() != exitFailure || stderr != stdoutFullLine {
		t.Errorf("inspect FILE >/dev/full: exit %d, stderr %q; want %d, %q", state.ExitCode(), stderr, exitFailure, stdoutFullLine)
	}

	wallets, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stderr, state = runWithStdout(t, full, "create", "--json", "--name", "fresh", "--source", wallets, "--dest", "folder:"+dir)
	want := "cakebackup: the generated password could not be shown (could not write to stdout: no space left on device) and the backup cannot be opened without it, so it was removed from " +
		filepath.Join(dir, "fresh") + "; run create again (--password-out FILE keeps the password in a file)\n"
	if state.ExitCode() != exitFailure || stderr != want {
		t.Errorf("create --json >/dev/full: exit %d, stderr %q; want %d, %q", state.ExitCode(), stderr, exitFailure, want)
	}
	if got := readTree(t, dir); len(got) != 0 {
		t.Errorf("create --json >/dev/full left %d files in %s", len(got), dir)
	}
}

// TestStdoutToClosedPipe: the real program, its stdout a pipe nobody
// reads any more (cakebackup ... | head -1, once head has gone). Go's
// runtime ends a program by SIGPIPE on such a write, the quiet end that
// inspect and every other command keep: the shell sees it (status 141,
// or set -o pipefail), and nothing is said. create, showing a generated
// password, catches it: the backup nobody can open is removed, and it
// exits 1 with one line.
func TestStdoutToClosedPipe(t *testing.T) {
	t.Parallel()
	closedPipe := func() *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		t.Cleanup(func() { w.Close() })
		return w
	}
	file, _ := sampleBackup(t)
	stderr, state := runWithStdout(t, closedPipe(), "inspect", file)
	if status, ok := state.Sys().(syscall.WaitStatus); !ok || !status.Signaled() || status.Signal() != syscall.SIGPIPE || stderr != "" {
		t.Errorf("inspect FILE | (closed): ended %v, stderr %q; want ended by SIGPIPE, nothing said", state, stderr)
	}

	wallets, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	stderr, state = runWithStdout(t, closedPipe(), "create", "--json", "--name", "fresh", "--source", wallets, "--dest", "folder:"+dir)
	want := "cakebackup: the generated password could not be shown (could not write to stdout: broken pipe) and the backup cannot be opened without it, so it was removed from " +
		filepath.Join(dir, "fresh") + "; run create again (--password-out FILE keeps the password in a file)\n"
	if state.ExitCode() != exitFailure || stderr != want {
		t.Errorf("create --json | (closed): exit %d, stderr %q; want %d, %q", state.ExitCode(), stderr, exitFailure, want)
	}
	if got := readTree(t, dir); len(got) != 0 {
		t.Errorf("create --json | (closed) left %d files in %s", len(got), dir)
	}
}
