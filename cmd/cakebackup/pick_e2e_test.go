package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/schedule"
)

// Keys as a terminal sends them.
const (
	keyDown  = "\x1b[B"
	keyEnter = "\r"
	keyEsc   = "\x1b"
	keyCtrlC = "\x03"
)

// screen collects what a program draws on its pseudo-terminal, and
// answers the cursor-position query (ESC [6n) as every terminal does, in
// case the picker's terminal library asks it.
type screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

// cursorQuery is the terminal status query a terminal must answer.
const cursorQuery = "\x1b[6n"

func newScreen(tty io.ReadWriter) *screen {
	s := &screen{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		chunk := make([]byte, 4096)
		answered := 0
		for {
			n, err := tty.Read(chunk)
			s.mu.Lock()
			s.buf.Write(chunk[:n])
			asked := strings.Count(s.buf.String(), cursorQuery)
			s.mu.Unlock()
			for ; answered < asked; answered++ {
				tty.Write([]byte("\x1b[1;1R"))
			}
			if err != nil {
				return
			}
		}
	}()
	return s
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// waitFor waits until the program has drawn text.
func (s *screen) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(s.String(), text) {
		select {
		case <-s.done:
			if !strings.Contains(s.String(), text) {
				t.Fatalf("the program ended without showing %q; it showed:\n%q", text, s.String())
			}
			return
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never appeared on the terminal; it shows:\n%q", text, s.String())
		}
	}
}

// ptyProgram is the real cakebackup binary running in a pseudo-terminal,
// with no desktop session, so the terminal picker is used.
type ptyProgram struct {
	cmd    *exec.Cmd
	tty    *os.File
	screen *screen
}

func startInPTY(t *testing.T, bin, home string, args ...string) *ptyProgram {
	t.Helper()
	return startInPTYWithEnv(t, bin, home, nil, args...)
}

// startInPTYWithEnv is startInPTY with more environment variables.
func startInPTYWithEnv(t *testing.T, bin, home string, extraEnv []string, args ...string) *ptyProgram {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// No DISPLAY or WAYLAND_DISPLAY: no desktop, unless extraEnv says.
	cmd.Env = append(homeEnv(home), "TERM=xterm-256color")
	cmd.Env = append(cmd.Env, extraEnv...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 120})
	if err != nil {
		t.Fatalf("start in a pseudo-terminal: %v", err)
	}
	p := &ptyProgram{cmd: cmd, tty: tty, screen: newScreen(tty)}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
		tty.Close()
	})
	return p
}

func (p *ptyProgram) send(t *testing.T, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := p.tty.Write([]byte(k)); err != nil {
			t.Fatalf("typing: %v", err)
		}
	}
}

// wait waits for the program to end and returns its exit code.
func (p *ptyProgram) wait(t *testing.T) int {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		select { // the last output, read until the terminal closes
		case <-p.screen.done:
		case <-time.After(2 * time.Second):
		}
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(2 * time.Minute):
		p.cmd.Process.Kill()
		t.Fatalf("cakebackup did not finish; the terminal shows:\n%q", p.screen.String())
		return -1
	}
}

// pickHome is a home folder whose Downloads holds two folders; in the
// picker they are the third and fourth lines, after "[ Use this folder ]"
// and "..".
func pickHome(t *testing.T) (home, downloads string) {
	t.Helper()
	home = t.TempDir()
	downloads = filepath.Join(home, "Downloads")
	for _, d := range []string{"Old", "Wallet backups"} {
		if err := os.MkdirAll(filepath.Join(downloads, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	return home, downloads
}

func TestPickEndToEnd(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
	bin := programPath(t)
	wallets, err := filepath.Abs(filepath.Join("..", "..", "examples", "wallets"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("create --pick stores the backup in the picked folder", func(t *testing.T) {
		t.Parallel()
		home, downloads := pickHome(t)
		pwFile := writePasswordFile(t, "correct horse battery staple")
		p := startInPTY(t, bin, home, "create", "--source", wallets, "--pick", "--password-file", pwFile, "--quiet")
		p.screen.waitFor(t, "Use this folder")
		p.send(t, keyDown, keyDown, keyDown, keyEnter) // open "Wallet backups"
		p.screen.waitFor(t, filepath.Join(downloads, "Wallet backups"))
		p.send(t, keyEnter) // [ Use this folder ]
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
		}
		picked := filepath.Join(downloads, "Wallet backups")
		entries, err := os.ReadDir(picked)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("picked folder holds %d entries, want one backup: %v", len(entries), entries)
		}
		fi, err := entries[0].Info()
		if err != nil {
			t.Fatal(err)
		}
		if !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
			t.Errorf("backup %s: mode %v, size %d; want a non-empty 0600 file", fi.Name(), fi.Mode(), fi.Size())
		}
		backupFile := filepath.Join(picked, fi.Name())
		if v := newCLI(t); v.run("verify", "--password-file", pwFile, backupFile) != 0 {
			t.Errorf("the picked backup does not verify: %s", v.stderr.String())
		}
		if es, _ := os.ReadDir(downloads); len(es) != 2 {
			t.Errorf("Downloads holds %v, want only the two folders", es)
		}
		if es, _ := os.ReadDir(filepath.Join(downloads, "Old")); len(es) != 0 {
			t.Errorf("Old holds %v, want nothing", es)
		}
	})

	t.Run("create --pick with no path typed at all", func(t *testing.T) {
		t.Parallel()
		if runtime.GOOS != "linux" {
			t.Skip("Cake Wallet's default data folder is known on Linux only")
		}
		home, downloads := pickHome(t)
		installCakeWallet(t, filepath.Join(home, "Documents", "cake_wallet"))
		p := startInPTY(t, bin, home, "create", "--pick", "--quiet")
		p.screen.waitFor(t, "Use this folder")
		p.send(t, keyDown, keyDown, keyDown, keyEnter) // open "Wallet backups"
		p.screen.waitFor(t, filepath.Join(downloads, "Wallet backups"))
		p.send(t, keyEnter) // [ Use this folder ]
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
		}
		pw := regexp.MustCompile(`[2-9a-z]{5}(-[2-9a-z]{5}){5}`).FindString(p.screen.String())
		if pw == "" || !strings.Contains(p.screen.String(), "SAVE THIS PASSWORD") {
			t.Fatalf("no generated password shown; the terminal shows:\n%q", p.screen.String())
		}
		picked := filepath.Join(downloads, "Wallet backups")
		entries, err := os.ReadDir(picked)
		if err != nil || len(entries) != 1 {
			t.Fatalf("picked folder holds %v (%v), want one backup", entries, err)
		}
		verify := newCLI(t)
		verify.stdin = pw + "\n"
		if verify.run("verify", "--password-stdin", filepath.Join(picked, entries[0].Name())) != 0 {
			t.Errorf("the backup does not open with the password shown: %s", verify.stderr.String())
		}
	})

	// Esc cancels the choice (exit 1); Ctrl-C interrupts, as at any
	// other prompt (130).
	for _, tc := range []struct {
		name, key, want string
		code            int
	}{
		{"create --pick cancelled stores nothing", keyEsc, "cakebackup: no destination chosen", 1},
		{"create --pick interrupted stores nothing", keyCtrlC, "cakebackup: interrupted", 130},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			home, downloads := pickHome(t)
			pwFile := writePasswordFile(t, "correct horse battery staple")
			p := startInPTY(t, bin, home, "create", "--source", wallets, "--pick", "--password-file", pwFile, "--quiet")
			p.screen.waitFor(t, "Use this folder")
			p.send(t, keyDown, keyDown, keyEnter)
			p.screen.waitFor(t, filepath.Join(downloads, "Old"))
			p.send(t, tc.key)
			if code := p.wait(t); code != tc.code {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			if !strings.Contains(p.screen.String(), tc.want) {
				t.Errorf("the terminal does not say %q:\n%q", tc.want, p.screen.String())
			}
			var files []string
			filepath.WalkDir(home, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files = append(files, path)
				}
				return nil
			})
			if len(files) != 0 {
				t.Errorf("create left files: %v", files)
			}
		})
	}

	t.Run("pick --save-default prints and saves the picked folder", func(t *testing.T) {
		t.Parallel()
		home, downloads := pickHome(t)
		p := startInPTY(t, bin, home, "pick", "--save-default")
		p.screen.waitFor(t, "Use this folder")
		p.send(t, keyDown, keyDown, keyEnter, keyEnter) // Old, then use it
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
		}
		want := "folder:" + filepath.Join(downloads, "Old")
		if !strings.Contains(p.screen.String(), want+"\r\n") {
			t.Errorf("%s not printed; the terminal shows:\n%q", want, p.screen.String())
		}
		cfg, err := schedule.LoadConfig(filepath.Join(home, ".config", "cakebackup", "config.toml"))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.DefaultDest != want {
			t.Errorf("default_dest = %q, want %q", cfg.DefaultDest, want)
		}
	})
	// A desktop session whose chooser is a fake zenity on PATH.
	desktop := func(t *testing.T, chosen string) (env []string, ran func() bool) {
		dir := t.TempDir()
		marker := filepath.Join(dir, "ran")
		script := "#!/bin/sh\ntouch '" + marker + "'\necho '" + chosen + "'\n"
		writeScript(t, filepath.Join(dir, "zenity"), script)
		return []string{"DISPLAY=:0", "PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH")},
			func() bool { _, err := os.Stat(marker); return err == nil }
	}

	t.Run("create --pick on a desktop uses its chooser", func(t *testing.T) {
		t.Parallel()
		home, downloads := pickHome(t)
		picked := filepath.Join(downloads, "Old")
		extra, ran := desktop(t, picked)
		pwFile := writePasswordFile(t, "correct horse battery staple")
		p := startInPTYWithEnv(t, bin, home, extra, "create", "--source", wallets, "--pick", "--password-file", pwFile, "--quiet")
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
		}
		if !ran() {
			t.Error("the desktop's chooser did not run")
		}
		if es, _ := os.ReadDir(picked); len(es) != 1 {
			t.Errorf("%s holds %v, want the backup", picked, es)
		}
	})

	t.Run("pick --terminal on a desktop uses the terminal picker", func(t *testing.T) {
		t.Parallel()
		home, _ := pickHome(t)
		extra, ran := desktop(t, "/")
		p := startInPTYWithEnv(t, bin, home, extra, "pick", "--terminal")
		p.screen.waitFor(t, "Use this folder")
		p.send(t, keyEnter)
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
		}
		if ran() {
			t.Error("the desktop's chooser ran despite --terminal")
		}
		// Downloads, where it starts, is chosen as the spec dests lists.
		if want := "downloads\r\n"; !strings.Contains(p.screen.String(), want) {
			t.Errorf("%q not printed; the terminal shows:\n%q", want, p.screen.String())
		}
	})
	t.Run("create --pick stores the backup in a picked Proton Drive folder", func(t *testing.T) {
		t.Parallel()
		fake, drive := fakeProtonEnv(t)
		ctx := context.Background()
		if err := drive.MakeFolder(ctx, "/", "Backups"); err != nil {
			t.Fatal(err)
		}
		home, downloads := pickHome(t)
		pwFile := writePasswordFile(t, "correct horse battery staple")
		extra := []string{
			"XDG_CONFIG_HOME=" + fake.getenv("XDG_CONFIG_HOME"),
			proton.URLEnv + "=" + fake.getenv(proton.URLEnv),
			proton.SessionEnv + "=file",
		}
		p := startInPTYWithEnv(t, bin, home, extra, "create", "--source", wallets, "--pick", "--password-file", pwFile, "--quiet")
		p.screen.waitFor(t, "(Tab: Proton Drive)")
		p.send(t, "\t") // to Proton Drive: [ Use this folder ], Backups/
		p.screen.waitFor(t, "Backups/")
		p.send(t, keyDown, keyEnter)           // open /Backups
		p.screen.waitFor(t, "no folders here") // /Backups is listed
		p.send(t, keyEnter)                    // use it
		if code := p.wait(t); code != 0 {
			t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
		}
		dest, err := proton.NewDestination(drive, "/Backups")
		if err != nil {
			t.Fatal(err)
		}
		entries, err := dest.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Size == 0 {
			t.Fatalf("/Backups on Proton Drive holds %+v, want one backup", entries)
		}
		if es, _ := os.ReadDir(downloads); len(es) != 2 {
			t.Errorf("Downloads holds %v; the backup went there too", es)
		}
	})
}
