package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/picker"
	"github.com/cakebackup/cakebackup/picker/protondrive"
	"github.com/cakebackup/cakebackup/proton"
	"github.com/cakebackup/cakebackup/proton/protontest"
	"github.com/cakebackup/cakebackup/schedule"
)

// pickRun is one in-process run of cakebackup with a desktop whose folder
// chooser is a real executable the test writes: a shell script called
// zenity that records its arguments and then runs a given body.
type pickRun struct {
	t      *testing.T
	home   string
	vars   map[string]string
	zenity string // folder holding the fake zenity and its "args" record
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// newPickRun sets up a home folder with Downloads, and a desktop whose
// chooser runs body.
func newPickRun(t *testing.T, body string) *pickRun {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake folder chooser is a shell script")
	}
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "Downloads"), 0o700); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + filepath.Join(bin, "args") + "'\n" + body + "\n"
	writeScript(t, filepath.Join(bin, "zenity"), script)
	return &pickRun{t: t, home: home, zenity: bin, vars: map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local", "state"),
		"DISPLAY":         ":0",
		"PATH":            bin,
	}}
}

func (p *pickRun) run(args ...string) int {
	p.t.Helper()
	p.stdout.Reset()
	p.stderr.Reset()
	return run(context.Background(), append([]string{"cakebackup"}, args...), &env{
		stdin:  strings.NewReader(""),
		stdout: &p.stdout,
		stderr: &p.stderr,
		getenv: func(k string) string { return p.vars[k] },
	})
}

// chooserRan reports whether the fake chooser was started, and with what.
func (p *pickRun) chooserRan() ([]string, bool) {
	b, err := os.ReadFile(filepath.Join(p.zenity, "args"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		p.t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"), true
}

func (p *pickRun) defaultConfig() string {
	return filepath.Join(p.home, ".config", "cakebackup", "config.toml")
}

func TestPickPrintsNativeChoice(t *testing.T) {
	t.Parallel()
	chosen := t.TempDir()
	p := newPickRun(t, "echo '"+chosen+"'")
	if code := p.run("pick"); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	if got, want := p.stdout.String(), "folder:"+chosen+"\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if p.stderr.Len() != 0 {
		t.Errorf("stderr = %q", p.stderr.String())
	}
	args, ran := p.chooserRan()
	if !ran {
		t.Fatal("the desktop's chooser did not run")
	}
	wantStart := "--filename=" + filepath.Join(p.home, "Downloads") + "/"
	if !strings.Contains(strings.Join(args, "\n"), wantStart) || !strings.Contains(strings.Join(args, "\n"), "--directory") {
		t.Errorf("chooser args = %q, want --directory and %s", args, wantStart)
	}
	if _, err := os.Stat(p.defaultConfig()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("pick without --save-* touched the config: %v", err)
	}
}

func TestPickCancelWritesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"plain", []string{"pick"}},
		{"save default", []string{"pick", "--save-default"}},
		{"save default to --config", []string{"pick", "--save-default", "--config", "CONFIG"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPickRun(t, "exit 1") // zenity's Cancel
			config := filepath.Join(t.TempDir(), "sub", "config.toml")
			for i, a := range tc.args {
				if a == "CONFIG" {
					tc.args[i] = config
				}
			}
			code := p.run(tc.args...)
			if code == 0 {
				t.Fatal("cancel exited 0")
			}
			if got := p.stderr.String(); got != "cakebackup: no destination chosen\n" {
				t.Errorf("stderr = %q", got)
			}
			if p.stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", p.stdout.String())
			}
			for _, f := range []string{p.defaultConfig(), config, filepath.Dir(config)} {
				if _, err := os.Stat(f); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s exists after cancel", f)
				}
			}
		})
	}
}

func TestPickSavesDefault(t *testing.T) {
	t.Parallel()
	chosen := t.TempDir()
	tests := []struct {
		name   string
		config string // "" means the default path
	}{
		{"xdg config", ""},
		{"--config", filepath.Join(t.TempDir(), "my.toml")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPickRun(t, "echo '"+chosen+"'")
			args := []string{"pick", "--save-default"}
			path := p.defaultConfig()
			if tc.config != "" {
				args = append(args, "--config", tc.config)
				path = tc.config
			}
			if code := p.run(args...); code != 0 {
				t.Fatalf("exit %d: %s", code, p.stderr.String())
			}
			want := "folder:" + chosen
			if p.stdout.String() != want+"\n" {
				t.Errorf("stdout = %q", p.stdout.String())
			}
			cfg, err := schedule.LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DefaultDest != want {
				t.Errorf("default_dest = %q, want %q", cfg.DefaultDest, want)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("config mode = %v, want 0600", fi.Mode().Perm())
			}
			if !strings.Contains(p.stderr.String(), "default destination") {
				t.Errorf("stderr does not say what was saved: %q", p.stderr.String())
			}
		})
	}
}

// TestPickDownloads: choosing the Downloads folder, whichever path to it
// the chooser gives, prints and saves "downloads", the spec dests lists it
// under, and create then stores there.
func TestPickDownloads(t *testing.T) {
	t.Parallel()
	for _, via := range []string{"path", "link"} {
		t.Run(via, func(t *testing.T) {
			p := newPickRun(t, "")
			dl := filepath.Join(p.home, "Downloads")
			chosen := dl
			if via == "link" {
				chosen = filepath.Join(p.home, "dl")
				if err := os.Symlink(dl, chosen); err != nil {
					t.Fatal(err)
				}
			}
			writeScript(t, filepath.Join(p.zenity, "zenity"), "#!/bin/sh\necho '"+chosen+"'\n")
			if code := p.run("pick", "--save-default"); code != 0 {
				t.Fatalf("exit %d: %s", code, p.stderr.String())
			}
			if got := p.stdout.String(); got != "downloads\n" {
				t.Errorf("stdout = %q, want %q", got, "downloads\n")
			}
			cfg, err := schedule.LoadConfig(p.defaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DefaultDest != "downloads" {
				t.Errorf("default_dest = %q, want downloads", cfg.DefaultDest)
			}
			if want := "Saved downloads as the default destination in " + p.defaultConfig() + "\n"; p.stderr.String() != want {
				t.Errorf("stderr = %q, want %q", p.stderr.String(), want)
			}
		})
	}
}

// jobConfig is a config file with two jobs.
func jobConfig(t *testing.T, dir string) string {
	t.Helper()
	pw := filepath.Join(dir, "pw")
	text := `default_dest = "usb:OLD"

[[job]]
name = "nightly"
source = "/srv/wallets"
dest = "folder:/srv/old"
every = "24h"
password_file = "` + pw + `"
keep_daily = 7

[[job]]
name = "weekly"
source = "/srv/wallets"
cron = "0 3 * * 0"
password_keyring = true
`
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := schedule.LoadConfig(path); err != nil {
		t.Fatalf("test config does not load: %v", err)
	}
	return path
}

func TestPickSavesToJob(t *testing.T) {
	t.Parallel()
	chosen := t.TempDir()
	p := newPickRun(t, "echo '"+chosen+"'")
	path := jobConfig(t, t.TempDir())
	if code := p.run("pick", "--save-to-job", "weekly", "--config", path); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	cfg, err := schedule.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	weekly, _ := cfg.Job("weekly")
	nightly, _ := cfg.Job("nightly")
	if weekly.Dest != "folder:"+chosen {
		t.Errorf("weekly dest = %q", weekly.Dest)
	}
	if nightly.Dest != "folder:/srv/old" || nightly.KeepDaily != 7 || cfg.DefaultDest != "usb:OLD" || weekly.Cron != "0 3 * * 0" || !weekly.PasswordKeyring {
		t.Errorf("other settings changed: %+v", cfg)
	}
}

func TestPickRefusesUnknownJobBeforeAsking(t *testing.T) {
	t.Parallel()
	p := newPickRun(t, "echo /")
	path := jobConfig(t, t.TempDir())
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	code := p.run("pick", "--save-to-job", "hourly", "--config", path)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if msg := p.stderr.String(); !strings.Contains(msg, `"hourly"`) || !strings.Contains(msg, "nightly, weekly") || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr = %q", msg)
	}
	if _, ran := p.chooserRan(); ran {
		t.Error("the chooser was shown for a job that does not exist")
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("config changed")
	}
}

func TestPickWithoutDesktopOrTerminal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		display  string
		wantWarn bool
	}{
		{"no desktop", "echo /", "", false},
		{"chooser fails", "echo 'cannot open display' >&2; exit 255", ":0", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPickRun(t, tc.body)
			p.vars["DISPLAY"] = tc.display
			if code := p.run("pick"); code == 0 {
				t.Fatalf("exit 0, stdout %q", p.stdout.String())
			}
			msg := p.stderr.String()
			if !strings.Contains(msg, "no terminal to show the folder picker on") || strings.Count(msg, "\n") != 1 {
				t.Errorf("stderr = %q; want one line", msg)
			}
			if got := strings.Contains(msg, "cannot open display"); got != tc.wantWarn {
				t.Errorf("stderr = %q; want the chooser's failure mentioned: %v", msg, tc.wantWarn)
			}
			if p.stdout.Len() != 0 {
				t.Errorf("stdout = %q", p.stdout.String())
			}
			if _, ran := p.chooserRan(); ran == (tc.display == "") {
				t.Errorf("chooser ran = %v with DISPLAY=%q", ran, tc.display)
			}
		})
	}
}

func TestPickUsageErrors(t *testing.T) {
	t.Parallel()
	tests := [][]string{
		{"pick", "extra"},
		{"pick", "--save-to-job", ""},
		{"pick", "--no-such-flag"},
	}
	for _, args := range tests {
		p := newPickRun(t, "echo /")
		if code := p.run(args...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (stderr %q)", args, code, exitUsage, p.stderr.String())
		}
		if _, ran := p.chooserRan(); ran {
			t.Errorf("%q: the chooser ran", args)
		}
	}
}

// fakeProtonEnv starts a fake Proton Drive on loopback, saves its session
// of the account (saveProtonSession) and returns the environment of a
// cakebackup that has the session, and the Drive opened with it.
func fakeProtonEnv(t *testing.T) (*env, *proton.Drive) {
	t.Helper()
	srv := protontest.NewForTest(t, protontest.WithUser(protonTestUser, protonTestPassword))
	vars := map[string]string{
		"HOME":            t.TempDir(),
		"XDG_CONFIG_HOME": t.TempDir(),
		proton.URLEnv:     srv.URL(),
		proton.SessionEnv: "file", // never the developer's real keyring
	}
	getenv := func(k string) string { return vars[k] }
	ctx := context.Background()
	opts := proton.Options{APIURL: srv.URL()}
	saveProtonSession(t, srv, getenv)
	d, err := proton.Connect(ctx, opts, proton.NewSessionStore(getenv, nil))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close(ctx) })
	return &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: getenv}, d
}

// The terminal picker browses Proton Drive and makes folders there, over
// real HTTP to the fake server.
func TestPickProtonDrive(t *testing.T) {
	t.Parallel()
	e, drive := fakeProtonEnv(t)
	ctx := context.Background()
	if err := drive.MakeFolder(ctx, "/", "Backups"); err != nil {
		t.Fatal(err)
	}
	if err := drive.MakeFolder(ctx, "/Backups", "Cake"); err != nil {
		t.Fatal(err)
	}
	// At the Drive's root there is no "..": the lines are
	// [ Use this folder ], Backups/.
	tests := []struct {
		name     string
		keys     string
		want     string
		wantMade string // a folder the picker should have made
	}{
		{"root", "\t\r", "proton:/", ""},
		{"open a folder", "\t\x1b[B\r\r", "proton:/Backups", ""},
		{"nested, then up", "\t\x1b[B\r\x1b[B\x1b[B\r\x7f\r", "proton:/Backups", ""},
		{"nested", "\t\x1b[B\r\x1b[B\x1b[B\r\r", "proton:/Backups/Cake", ""},
		{"new folder", "\t\x1b[B\rnWallets 2026\r\r", "proton:/Backups/Wallets 2026", "Wallets 2026"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, ok := protondrive.LoggedIn(e.getenv, nil)
			if !ok {
				t.Fatal("logged in, but Proton Drive is not offered")
			}
			defer src.Close(ctx)
			local := picker.LocalFolders{Start: t.TempDir()}
			c, err := picker.RunTerminal(ctx, strings.NewReader(tc.keys), io.Discard, []picker.FolderSource{local, src})
			if err != nil {
				t.Fatal(err)
			}
			if c.Spec != tc.want || c.Source != "Proton Drive" {
				t.Errorf("choice = %+v, want %s on Proton Drive", c, tc.want)
			}
			if tc.wantMade != "" {
				names, err := drive.Folders(ctx, "/Backups")
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(names, tc.wantMade) {
					t.Errorf("/Backups holds %q, want %q made", names, tc.wantMade)
				}
			}
		})
	}
}

// TestPickSavesToJobWithSeveralDests: a job storing to several
// destinations (dests) gets the chosen one instead of all of them, and
// says which it replaced; the config still loads.
func TestPickSavesToJobWithSeveralDests(t *testing.T) {
	t.Parallel()
	chosen := t.TempDir()
	p := newPickRun(t, "echo '"+chosen+"'")
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	text := `[[job]]
name = "twice"
source = "/srv/wallets"
dests = ["folder:/srv/a", "folder:/srv/b"]
every = "24h"
password_keyring = true
`
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if code := p.run("pick", "--save-to-job", "twice", "--config", path); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	cfg, err := schedule.LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	twice, _ := cfg.Job("twice")
	if got := cfg.DestsFor(twice); !slices.Equal(got, []string{"folder:" + chosen}) {
		t.Errorf("the job now stores to %q, want only the chosen folder", got)
	}
	if msg := p.stderr.String(); !strings.Contains(msg, "folder:/srv/a folder:/srv/b") {
		t.Errorf("stderr does not say which destinations were replaced: %q", msg)
	}
}
