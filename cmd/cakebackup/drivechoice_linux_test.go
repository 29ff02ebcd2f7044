package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/local"
)

// TestChooseDriveOnTerminal: with two sticks plugged in, create --dest usb
// asks on the terminal which one to use. The answer picks it; Ctrl-C at
// the question ends the run with "interrupted" (130) and stores nothing.
func TestChooseDriveOnTerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		answer   string // typed at the question; "" means Ctrl-C
		wantCode int
	}{
		{"second", "2\n", exitOK},
		{"interrupted", "", 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			drives, first, second := twoSticks(t)
			pwFile := writePasswordFile(t, "a long and strong password for tests 9")
			r := startOnTerminal(t, drives, "create", "--source", sampleWallets, "--dest", "usb", "--password-file", pwFile)
			if tt.answer == "" {
				r.screen.waitFor(t, "Which one? [1-2]: ")
				r.cancel(&interrupt.Error{Code: 130})
			} else {
				r.answer(t, tt.answer)
			}
			if code := r.wait(t); code != tt.wantCode {
				t.Fatalf("exit %d, want %d; terminal: %q", code, tt.wantCode, r.screen.String())
			}
			stored := func(mount string) bool {
				files, _ := os.ReadDir(filepath.Join(mount, local.BackupFolder))
				return len(files) > 0
			}
			if stored(first) || stored(second) != (tt.answer != "") {
				t.Errorf("backups on the first stick: %v, on the second: %v", stored(first), stored(second))
			}
		})
	}
}

// onTerminal is cakebackup run in-process on a terminal (a pty: its
// stdin and stderr), with drives as the removable drives.
type onTerminal struct {
	screen *screen
	ptmx   *os.File // the terminal's other side, to type on
	cancel context.CancelCauseFunc
	exited chan int
}

// startOnTerminal runs args (without the program name) on a new terminal,
// with $HOME in a new folder.
func startOnTerminal(t *testing.T, drives *local.Detector, args ...string) *onTerminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ptmx.Close()
		tty.Close()
	})
	ctx, cancel := context.WithCancelCause(context.Background())
	r := &onTerminal{screen: newScreen(ptmx), ptmx: ptmx, cancel: cancel, exited: make(chan int, 1)}
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "XDG_STATE_HOME": filepath.Join(home, "state")}
	go func() {
		r.exited <- run(ctx, append([]string{"cakebackup"}, args...), &env{
			stdin: tty, stdout: io.Discard, stderr: tty, drives: drives,
			getenv: func(k string) string { return vars[k] },
		})
	}()
	t.Cleanup(func() { cancel(nil) })
	return r
}

// answer waits for the question which drive and types line.
func (r *onTerminal) answer(t *testing.T, line string) {
	t.Helper()
	r.screen.waitFor(t, "Which one? [1-2]: ")
	if _, err := r.ptmx.WriteString(line); err != nil {
		t.Fatal(err)
	}
}

// wait returns the exit code once the run ends.
func (r *onTerminal) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-r.exited:
		return code
	case <-time.After(2 * time.Minute):
		t.Fatalf("the run did not end; the terminal shows %q", r.screen.String())
	}
	return 0
}

// questions counts the questions which drive the terminal shows.
func (r *onTerminal) questions() int { return strings.Count(r.screen.String(), "Which one?") }
