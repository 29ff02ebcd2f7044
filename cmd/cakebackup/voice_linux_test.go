package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestInterruptAtPasswordPrompt: Ctrl-C while restore waits for the
// password (the terminal does not echo) ends the run at once with
// "interrupted" and 130, and leaves the terminal echoing again.
func TestInterruptAtPasswordPrompt(t *testing.T) {
	t.Parallel()
	file, _ := sampleBackup(t)
	bin := programPath(t)
	home := t.TempDir()
	to := filepath.Join(t.TempDir(), "restored")
	p := startInPTY(t, bin, home, "restore", file, "--to", to)
	p.screen.waitFor(t, "Backup password:")
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 130 {
		t.Errorf("exit %d after Ctrl-C at the prompt, want 130; terminal: %q", code, p.screen.String())
	}
	if !strings.Contains(p.screen.String(), "cakebackup: interrupted") {
		t.Errorf("terminal shows %q, want the interrupted line", p.screen.String())
	}
	tio, err := unix.IoctlGetTermios(int(p.tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if tio.Lflag&unix.ECHO == 0 {
		t.Error("the terminal was left without echo")
	}
	if _, err := os.Stat(to); !os.IsNotExist(err) {
		t.Errorf("restore target exists after the interrupt: %v", err)
	}
}
