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

	"github.com/creack/pty"

	"github.com/cakebackup/cakebackup/backup"
)

// runWithStdout runs the program as a process of its own, in a new home
// without a password in its environment, with stdout the file given,
// and returns its stderr and how it ended.
func runWithStdout(t *testing.T, stdout *os.File, args ...string) (stderr string, state *os.ProcessState) {
	t.Helper()
	cmd := exec.Command(programPath(t), args...)
	cmd.Env = homeEnv(t.TempDir())
	var errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &errBuf
	err := cmd.Run()
	if err != nil && !errors.As(err, new(*exec.ExitError)) {
		t.Fatal(err)
	}
	return errBuf.String(), cmd.ProcessState
}

// TestRealStdoutFails runs the real program with stdout on /dev/full,
// which fails every write with ENOSPC, and on a pipe nobody reads any
// more (cakebackup ... | head -1, once head has gone).
//
// On /dev/full, inspect exits 1 with one line. On the pipe, Go's
// runtime ends the program by SIGPIPE at its first write, the quiet end
// inspect and every other command keep: the shell sees it (status 141,
// or set -o pipefail), and nothing is said. create, which could not
// show the generated password, fails with one line on both and removes
// the backup made with it: it catches SIGPIPE while it shows one.
func TestRealStdoutFails(t *testing.T) {
	t.Parallel()
	wallets, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	sigpipe := func(state *os.ProcessState) bool {
		status, ok := state.Sys().(syscall.WaitStatus)
		return ok && status.Signaled() && status.Signal() == syscall.SIGPIPE
	}
	for _, tt := range []struct {
		name   string
		stdout func(t *testing.T) *os.File
		// inspected says whether inspect ended as it should, given its
		// stderr and how it ended.
		inspected func(stderr string, state *os.ProcessState) bool
		why       string // the system's words of the failed write
	}{
		{"/dev/full", func(t *testing.T) *os.File {
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skip("no /dev/full:", err)
			}
			t.Cleanup(func() { full.Close() })
			return full
		}, func(stderr string, state *os.ProcessState) bool {
			return state.ExitCode() == exitFailure && stderr == stdoutFullLine
		}, "no space left on device"},
		{"a closed pipe", func(t *testing.T) *os.File {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			t.Cleanup(func() { w.Close() })
			return w
		}, func(stderr string, state *os.ProcessState) bool {
			return sigpipe(state) && stderr == ""
		}, "broken pipe"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file, _ := sampleBackup(t)
			if stderr, state := runWithStdout(t, tt.stdout(t), "inspect", file); !tt.inspected(stderr, state) {
				t.Errorf("inspect FILE: ended %v, stderr %q", state, stderr)
			}
			dir := t.TempDir()
			stderr, state := runWithStdout(t, tt.stdout(t), "create", "--json", "--name", "fresh", "--source", wallets, "--dest", "folder:"+dir)
			want := "cakebackup: the generated password could not be shown (could not write to stdout: " + tt.why + ") and the backup cannot be opened without it, so it was removed from " +
				filepath.Join(dir, "fresh") + "; run create again (--password-out FILE keeps the password in a file)\n"
			if state.ExitCode() != exitFailure || stderr != want {
				t.Errorf("create --json: exit %d, stderr %q; want %d, %q", state.ExitCode(), stderr, exitFailure, want)
			}
			if got := readTree(t, dir); len(got) != 0 {
				t.Errorf("create --json left %d files in %s", len(got), dir)
			}
		})
	}
}

// fullTerminal is a terminal whose writes fail: create takes it for one
// (its Fd is a pseudo-terminal's) and shows the generated password on it.
type fullTerminal struct {
	*fullStdout
	tty *os.File
}

func (w fullTerminal) Fd() uintptr { return w.tty.Fd() }

// TestCreateOnAFailingTerminal: create without --json shows a generated
// password only on a terminal; when the write of its notice fails there,
// the backup made with it is removed, in the same one line as with
// --json.
func TestCreateOnAFailingTerminal(t *testing.T) {
	t.Parallel()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	dir := t.TempDir()
	for _, room := range []int{0, 30} { // the notice is cut before its password
		c := newCLI(t)
		stdout := &fullStdout{room: room}
		c.stdoutTo = fullTerminal{stdout, tty}
		if code := c.run("create", "--name", "fresh", "--source", sampleWallets, "--dest", "folder:"+dir); code != exitFailure {
			t.Errorf("room %d: exit %d, want %d", room, code, exitFailure)
		}
		want := "cakebackup: the generated password could not be shown (could not write to stdout: no space left on device) and the backup cannot be opened without it, so it was removed from " +
			filepath.Join(dir, "fresh") + "; run create again (--password-out FILE keeps the password in a file)\n"
		if got := c.stderr.String(); got != want {
			t.Errorf("room %d: stderr %q, want %q", room, got, want)
		}
		if got := stdout.got.String(); got != backup.PasswordNotice("")[:room] {
			t.Errorf("room %d: the terminal took %q", room, got)
		}
		if got := readTree(t, dir); len(got) != 0 {
			t.Errorf("room %d: %s holds %d files, want none", room, dir, len(got))
		}
	}
}
