package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestSignalsInterrupt stops a real cakebackup create, mid-backup, with a
// real SIGINT and SIGTERM: one line "interrupted", exit 130 or 143, and
// nothing left at the destination.
func TestSignalsInterrupt(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("POSIX signals")
	}
	if testing.Short() {
		t.Skip("builds the binary and backs up 48 MB")
	}
	bin := programPath(t)
	source := bigWalletSource(t) // random, so it takes a while to compress and encrypt
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dest := t.TempDir()
			home := t.TempDir()
			cmd := exec.Command(bin, "create", "--source", source, "--dest", "folder:"+dest, "--password-file", pwFile)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			signalWhen(t, cmd, &stderr, tc.sig, func() bool {
				entries, _ := os.ReadDir(dest)
				return len(entries) > 0 // a backup started
			})
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("exit %d after %v, want %d; stderr %q", code, tc.sig, tc.code, stderr.String())
			}
			if stderr.String() != "cakebackup: interrupted\n" {
				t.Errorf("stderr %q, want the one line \"cakebackup: interrupted\"", stderr.String())
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q after an interrupted backup", stdout.String())
			}
			if entries, _ := os.ReadDir(dest); len(entries) != 0 {
				t.Errorf("destination holds %v after %v, want nothing", entries, tc.sig)
			}
		})
	}
}

// TestUsageMistakesExit2 checks that every kind of usage mistake exits 2
// with one line, suggesting the fix for typos.
func TestUsageMistakesExit2(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"create", "--source", sampleWallets, "--dest", "downlaods", "--password-file", pwFile}, `did you mean "downloads"`},
		{[]string{"create", "--source", sampleWallets, "--dest", "Downloads", "--password-file", pwFile}, `did you mean "downloads"`},
		{[]string{"create", "--source", sampleWallets, "--dest", "usbb:X", "--password-file", pwFile}, `did you mean "usb"`},
		{[]string{"ls", "foldr:/tmp"}, `did you mean "folder"`},
		{[]string{"verfiy", "x"}, `did you mean "verify"`},
		{[]string{"crea"}, `did you mean "create"`},
		{[]string{"schedule", "lst"}, `did you mean "list"`},
		{[]string{"create", "--sorce", sampleWallets}, `unknown flag --sorce (did you mean "--source"?)`},
		{[]string{"restore", "f", "--too", "d"}, `did you mean "--to"`},
		{[]string{"-v"}, `did you mean "--verbose" or "--version"`},
		{[]string{"restore", "f"}, "--to"},
		{[]string{"ls", "a", "b"}, "at most one"},
		{[]string{"create", "--dest"}, "--dest needs a value"},
		{[]string{"verify", "f.zip", "--password-file"}, "--password-file needs a value"},
	}
	for _, tt := range tests {
		code := c.run(tt.args...)
		stderr := c.stderr.String()
		if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tt.args, code, stderr, tt.want)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(c.vars["HOME"], "Downloads")); len(entries) != 0 {
		t.Errorf("a mistaken create wrote %v", entries)
	}
}

// TestOwnPasswordAdviceOnlyOnTerminal: the advice to use a generated
// password shows once when stderr is a terminal, never with -q and never
// in logs.
func TestOwnPasswordAdviceOnlyOnTerminal(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
	c := newCLI(t)
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	const advice = "a generated password is recommended"
	create := []string{"create", "--source", sampleWallets, "--dest", "folder:" + t.TempDir(), "--password-file", pwFile}
	if got := c.mustRunWithTerminalStderr(create...); strings.Count(got, advice) != 1 {
		t.Errorf("terminal shows the advice %d times, want once: %q", strings.Count(got, advice), got)
	}
	if got := c.mustRunWithTerminalStderr(append(create, "-q")...); strings.Contains(got, advice) {
		t.Errorf("advice shown with -q: %q", got)
	}
	c.mustRun(create...)
	if strings.Contains(c.stderr.String(), advice) {
		t.Errorf("advice shown without a terminal: %q", c.stderr.String())
	}
}

// runWithTerminalStderr runs cakebackup in-process with a pseudo-terminal
// as its stderr and returns what the terminal showed and the exit code.
func (c *cliRun) runWithTerminalStderr(args ...string) (string, int) {
	c.t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		c.t.Fatal(err)
	}
	defer ptmx.Close()
	var seen bytes.Buffer
	read := make(chan struct{})
	go func() { io.Copy(&seen, ptmx); close(read) }()
	c.stdout.Reset()
	code := run(context.Background(), append([]string{"cakebackup"}, args...), &env{
		stdin: strings.NewReader(c.stdin), stdout: &c.stdout, stderr: tty,
		getenv: func(k string) string { return c.vars[k] },
	})
	tty.Close()
	select {
	case <-read:
	case <-time.After(5 * time.Second):
	}
	return seen.String(), code
}

// mustRunWithTerminalStderr is runWithTerminalStderr for a run that must
// succeed.
func (c *cliRun) mustRunWithTerminalStderr(args ...string) string {
	c.t.Helper()
	seen, code := c.runWithTerminalStderr(args...)
	if code != 0 {
		c.t.Fatalf("%v: exit %d, terminal: %q", args, code, seen)
	}
	return seen
}
