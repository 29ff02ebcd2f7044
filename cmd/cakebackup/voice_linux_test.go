package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/cakebackup/cakebackup/internal/interrupt"
	"github.com/cakebackup/cakebackup/secret"
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
	// schedule set-password's prompt needs a keyring: its interrupt is
	// tested in-process (TestSetPasswordAtTheTerminal).
	tests := []struct {
		name, prompt string
		args         []string
	}{
		{"restore", "Backup password:", []string{"restore", file, "--to", to}},
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

// memKeyring is a keyring in memory, for one test.
type memKeyring map[string]string

func (m memKeyring) Get(_ context.Context, service, account string) (string, error) {
	if pw, ok := m[service+"/"+account]; ok {
		return pw, nil
	}
	return "", secret.ErrNotInKeyring
}

func (m memKeyring) Set(_ context.Context, service, account, pw string) error {
	m[service+"/"+account] = pw
	return nil
}

func (m memKeyring) Delete(_ context.Context, service, account string) error {
	if _, ok := m[service+"/"+account]; !ok {
		return secret.ErrNotInKeyring
	}
	delete(m, service+"/"+account)
	return nil
}

// TestSetPasswordAtTheTerminal: schedule set-password, with a keyring,
// asks on the terminal for the password twice and stores it; Enter alone
// is "empty password", a usage error (2), as at restore's prompt, and
// stores nothing; a weak password is stored with create's one warning
// line.
func TestSetPasswordAtTheTerminal(t *testing.T) {
	t.Parallel()
	config := filepath.Join(t.TempDir(), "config.toml")
	job := "[[job]]\nname = \"nightly\"\nsource = \"/srv/wallets\"\ndest = \"downloads\"\nevery = \"24h\"\npassword_keyring = true\n"
	if err := os.WriteFile(config, []byte(job), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, typed string
		code        int
		stored      string
		warning     string // the whole stderr line, "" for none
	}{
		{"empty", "\n", exitUsage, "", ""},
		{"typed twice", "wallet horse battery 7\nwallet horse battery 7\n", exitOK, "wallet horse battery 7", ""},
		{"weak", "hunter22x\nhunter22x\n", exitOK, "hunter22x", "warning: this 9-character password is weak against offline guessing; consider a generated password or at least 16 random characters.\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			master, tty, err := pty.Open()
			if err != nil {
				t.Skipf("no pseudo-terminal: %v", err)
			}
			defer master.Close()
			defer tty.Close()
			go io.Copy(io.Discard, master) // the prompts' echo
			if _, err := master.Write([]byte(tt.typed)); err != nil {
				t.Fatal(err)
			}
			kr := memKeyring{}
			var stdout, stderr bytes.Buffer
			home := t.TempDir()
			code := run(context.Background(), []string{"cakebackup", "schedule", "set-password", "--config", config, "nightly"}, &env{
				stdin: tty, stdout: &stdout, stderr: &stderr, keyring: kr,
				getenv: func(k string) string { return map[string]string{"HOME": home}[k] },
			})
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, tt.code, stderr.String())
			}
			if got := kr["cakebackup/nightly"]; got != tt.stored {
				t.Errorf("stored %q, want %q", got, tt.stored)
			}
			if tt.code == exitUsage && !strings.Contains(stderr.String(), "cakebackup: empty password") {
				t.Errorf("stderr %q, want \"cakebackup: empty password\"", stderr.String())
			}
			if want := "New backup password: \nAgain: \n" + tt.warning; tt.code == exitOK && stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			if tt.stored != "" && strings.Contains(stdout.String()+stderr.String(), tt.stored) {
				t.Error("the password was shown")
			}
		})
	}
	// From standard input the same warning is given, once.
	t.Run("weak from stdin", func(t *testing.T) {
		kr := memKeyring{}
		var stdout, stderr bytes.Buffer
		home := t.TempDir()
		code := run(context.Background(), []string{"cakebackup", "schedule", "set-password", "--config", config, "--password-stdin", "nightly"}, &env{
			stdin: strings.NewReader("hunter22x\n"), stdout: &stdout, stderr: &stderr, keyring: kr,
			getenv: func(k string) string { return map[string]string{"HOME": home}[k] },
		})
		want := "warning: this 9-character password is weak against offline guessing; consider a generated password or at least 16 random characters.\n"
		if code != exitOK || stderr.String() != want || kr["cakebackup/nightly"] != "hunter22x" {
			t.Errorf("exit %d, stderr %q, stored %q; want 0, %q and the password stored", code, stderr.String(), kr["cakebackup/nightly"], want)
		}
	})
	// Ctrl-C at the prompt (schedule set-password's, which asks twice,
	// is not restore's) ends the run at once with "interrupted" and 130,
	// and leaves the terminal echoing again; nothing is stored.
	t.Run("interrupted", func(t *testing.T) {
		master, tty, err := pty.Open()
		if err != nil {
			t.Skipf("no pseudo-terminal: %v", err)
		}
		defer master.Close()
		defer tty.Close()
		prompted := make(chan struct{})
		var stderr bytes.Buffer
		go func() {
			var seen []byte
			buf := make([]byte, 256)
			for {
				n, err := master.Read(buf)
				seen = append(seen, buf[:n]...)
				if bytes.Contains(seen, []byte("New backup password:")) {
					close(prompted)
					io.Copy(io.Discard, master)
					return
				}
				if err != nil {
					return
				}
			}
		}()
		ctx, cancel := context.WithCancelCause(context.Background())
		go func() {
			<-prompted
			cancel(&interrupt.Error{Code: 130})
		}()
		kr := memKeyring{}
		code := run(ctx, []string{"cakebackup", "schedule", "set-password", "--config", config, "nightly"}, &env{
			stdin: tty, stdout: io.Discard, stderr: io.MultiWriter(&stderr, tty), keyring: kr,
			getenv: func(string) string { return "" },
		})
		if code != 130 || !strings.Contains(stderr.String(), "cakebackup: interrupted") || len(kr) != 0 {
			t.Errorf("exit %d, stderr %q, stored %d; want 130, the interrupted line, nothing stored", code, stderr.String(), len(kr))
		}
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if tio.Lflag&unix.ECHO == 0 {
			t.Error("the terminal was left without echo")
		}
	})
}
