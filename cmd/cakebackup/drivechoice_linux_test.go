package main

import (
	"context"
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
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer ptmx.Close()
			defer tty.Close()
			screen := newScreen(ptmx)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			home := t.TempDir()
			pwFile := writePasswordFile(t, "a long and strong password for tests 9")
			var stdout strings.Builder
			exited := make(chan int, 1)
			go func() {
				exited <- run(ctx, []string{"cakebackup", "create", "--source", sampleWallets, "--dest", "usb", "--password-file", pwFile}, &env{
					stdin: tty, stdout: &stdout, stderr: tty, drives: drives,
					getenv: func(k string) string { return map[string]string{"HOME": home}[k] },
				})
			}()
			screen.waitFor(t, "Which one? [1-2]: ")
			if tt.answer == "" {
				cancel(&interrupt.Error{Code: 130})
			} else if _, err := ptmx.WriteString(tt.answer); err != nil {
				t.Fatal(err)
			}
			select {
			case code := <-exited:
				if code != tt.wantCode {
					t.Fatalf("exit %d, want %d; terminal: %q", code, tt.wantCode, screen.String())
				}
			case <-time.After(2 * time.Minute):
				t.Fatalf("create did not end; the terminal shows %q", screen.String())
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
