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

// TestRestoreChecksBeforePrompting: on a terminal, restore says what is
// wrong with the backup file or the --to folder before it asks for the
// password, and then never asks.
func TestRestoreChecksBeforePrompting(t *testing.T) {
	t.Parallel()
	bin := programPath(t)
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	if err := os.WriteFile(junk, []byte("not a backup at all, just some text"), 0o600); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "full")
	if err := os.MkdirAll(filepath.Join(full, "something"), 0o700); err != nil {
		t.Fatal(err)
	}
	file, _ := sampleBackup(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"missing file", []string{"restore", filepath.Join(dir, "missing"), "--to", filepath.Join(dir, "to1")}, 2, "no such backup file"},
		{"not a backup", []string{"restore", junk, "--to", filepath.Join(dir, "to2")}, 4, "junk:"},
		{"--to not empty", []string{"restore", file, "--to", full}, 2, "is not empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startInPTY(t, bin, t.TempDir(), tt.args...)
			code := p.wait(t)
			out := p.screen.String()
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, terminal %q; want exit %d and %q", code, out, tt.code, tt.want)
			}
			if strings.Contains(out, "password") {
				t.Errorf("asked for the password first: %q", out)
			}
		})
	}
}

// TestSetPasswordRefusesEmptyAnswer: Enter alone at schedule
// set-password's prompt is "empty password", a usage error (2), as at
// restore's prompt, and stores nothing.
func TestSetPasswordRefusesEmptyAnswer(t *testing.T) {
	t.Parallel()
	bin := programPath(t)
	config := filepath.Join(t.TempDir(), "config.toml")
	job := "[[job]]\nname = \"nightly\"\nsource = \"/srv/wallets\"\ndest = \"downloads\"\nevery = \"24h\"\npassword_keyring = true\n"
	if err := os.WriteFile(config, []byte(job), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startInPTY(t, bin, t.TempDir(), "schedule", "set-password", "nightly", "--config", config)
	p.screen.waitFor(t, "New backup password:")
	p.send(t, "\r")
	code := p.wait(t)
	out := p.screen.String()
	if code != 2 || !strings.Contains(out, "cakebackup: empty password") || strings.Contains(out, "Stored") {
		t.Errorf("exit %d, terminal %q; want exit 2 and \"cakebackup: empty password\", nothing stored", code, out)
	}
}
