//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestNoTerminalQueriesOutsideThePicker runs commands that have nothing to
// draw in a pseudo-terminal that never answers anything: each must finish
// and write no escape sequence (a colour or cursor query would be one, and
// would wait for an answer that never comes).
func TestNoTerminalQueriesOutsideThePicker(t *testing.T) {
	t.Parallel()
	bin := programPath(t)
	home := t.TempDir()
	for _, args := range [][]string{{"--version"}, {"--help"}, {"dests"}, {"verify", "missing-file"}} {
		t.Run(args[0], func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			cmd.Env = []string{
				"HOME=" + home,
				"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
				"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
				"PATH=" + os.Getenv("PATH"),
				"TERM=xterm-256color",
				"COLORTERM=truecolor",
			}
			tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 120})
			if err != nil {
				t.Fatalf("start in a pseudo-terminal: %v", err)
			}
			defer tty.Close()
			var out bytes.Buffer
			read := make(chan struct{})
			go func() { io.Copy(&out, tty); close(read) }() // reads, never answers
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-exited:
			case <-time.After(time.Minute):
				cmd.Process.Kill()
				t.Fatalf("cakebackup %v did not finish on a silent terminal", args)
			}
			select {
			case <-read:
			case <-time.After(5 * time.Second):
			}
			if out.Len() == 0 {
				t.Fatalf("cakebackup %v printed nothing", args)
			}
			if i := bytes.IndexByte(out.Bytes(), 0x1b); i >= 0 {
				t.Fatalf("cakebackup %v wrote an escape sequence at byte %d: %q", args, i, out.String())
			}
		})
	}
}
