package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestInterruptAtPasswordPrompt: Ctrl-C while a command waits for an
// answer on the terminal (a hidden password, or a visible line) ends the
// run at once with "interrupted" and 130, and leaves the terminal echoing
// again: the read would otherwise wait for Enter.
func TestInterruptAtPasswordPrompt(t *testing.T) {
	t.Parallel()
	file, _ := sampleBackup(t)
	bin := programPath(t)
	to := filepath.Join(t.TempDir(), "restored")
	config := filepath.Join(t.TempDir(), "config.toml")
	job := "[[job]]\nname = \"nightly\"\nsource = \"/srv/wallets\"\ndest = \"downloads\"\nevery = \"24h\"\npassword_keyring = true\n"
	if err := os.WriteFile(config, []byte(job), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, prompt string
		args         []string
	}{
		{"restore", "Backup password:", []string{"restore", file, "--to", to}},
		{"schedule set-password", "New backup password:", []string{"schedule", "set-password", "nightly", "--config", config}},
		{"proton login, username", "Proton username:", []string{"proton", "login"}},
		{"proton login, password", "Proton password:", []string{"proton", "login", "--proton-user", "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startInPTY(t, bin, t.TempDir(), tt.args...)
			p.screen.waitFor(t, tt.prompt)
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
		})
	}
}
