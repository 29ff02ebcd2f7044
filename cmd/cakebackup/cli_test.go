package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/secret"
)

// cli runs cakebackup in-process with the given environment and stdin.
type cliRun struct {
	t      *testing.T
	vars   map[string]string
	stdin  string
	drives *local.Detector // nil: this machine's drives
	// executable stands for the program's path; nil: the test binary.
	executable func() (string, error)
	// tweakBackup changes the backup create makes (env.tweakBackup).
	tweakBackup func(*job.Backup)
	// noSystemd stands for a Linux without systemd (a container, another
	// init); otherwise the tests' Linux has systemd's user timers,
	// whatever the machine running them has.
	noSystemd bool
	// stdoutTo, when set, stands for stdout in place of the stdout
	// buffer: a writer that fails.
	stdoutTo io.Writer
	// keyring stands for the OS keyring (env.keyring); nil: a new one at each use.
	keyring secret.Keyring
	// onGetenv, when set, sees each environment lookup before vars answers
	// it: where a test sends a signal in the middle of a run.
	onGetenv func(key string)
	stdout   bytes.Buffer
	stderr   bytes.Buffer
}

func newCLI(t *testing.T) *cliRun {
	t.Helper()
	home := t.TempDir()
	return &cliRun{t: t, vars: map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local", "state"),
		"XDG_DATA_HOME":   filepath.Join(home, ".local", "share"),
	}}
}

// run executes args and returns the exit code; stdout and stderr are kept
// from this run only.
func (c *cliRun) run(args ...string) int {
	c.t.Helper()
	return c.runContext(context.Background(), args...)
}

// runContext runs args as run does, with ctx as the process's signal
// context: cancelled with an *interrupt.Error, as by Ctrl-C.
func (c *cliRun) runContext(ctx context.Context, args ...string) int {
	c.t.Helper()
	c.stdout.Reset()
	c.stderr.Reset()
	var stdout io.Writer = &c.stdout
	if c.stdoutTo != nil {
		stdout = c.stdoutTo
	}
	return run(ctx, append([]string{"cakebackup"}, args...), &env{
		stdin:  strings.NewReader(c.stdin),
		stdout: stdout,
		stderr: &c.stderr,
		getenv: func(k string) string {
			if c.onGetenv != nil {
				c.onGetenv(k)
			}
			return c.vars[k]
		},
		keyring:     c.keyring,
		drives:      c.drives,
		executable:  c.executable,
		tweakBackup: c.tweakBackup,
		systemd:     func() bool { return !c.noSystemd },
	})
}

// mustRun runs args and fails the test unless they exit 0.
func (c *cliRun) mustRun(args ...string) string {
	c.t.Helper()
	if code := c.run(args...); code != 0 {
		c.t.Fatalf("cakebackup %s: exit %d, stderr: %s", strings.Join(args, " "), code, c.stderr.String())
	}
	return c.stdout.String()
}

const (
	sampleWallets  = "../../examples/wallets"
	sampleSettings = "../../examples/settings.json"
)

func writePasswordFile(t *testing.T, pw string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(p, []byte(pw+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// createBackup makes a backup of the sample wallets into a new folder and
// returns its path.
func createBackup(t *testing.T, c *cliRun, pwFile string) string {
	t.Helper()
	dir := t.TempDir()
	out := c.mustRun("create", "--source", sampleWallets, "--settings", sampleSettings,
		"--dest", "folder:"+dir, "--password-file", pwFile, "--json")
	var res job.CreatedResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("create --json printed %q: %v", out, err)
	}
	if !res.Verified || res.Location != filepath.Join(dir, res.Name) {
		t.Fatalf("create result = %+v, want a verified backup in %s", res, dir)
	}
	return res.Location
}

// readTree returns every regular file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestCreateVerifyInspectRestore(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	const pw = "correct horse battery staple 42"
	pwFile := writePasswordFile(t, pw)
	file := createBackup(t, c, pwFile)

	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode = %v, want 0600", fi.Mode().Perm())
	}
	if strings.Contains(c.stderr.String(), "generated password is recommended") {
		t.Errorf("advice about a user-chosen password without a terminal: %q", c.stderr.String())
	}

	if out := c.mustRun("verify", file); !strings.Contains(out, "OK") {
		t.Errorf("verify without password printed %q", out)
	}
	if out := c.mustRun("verify", file, "--password-file", pwFile); !strings.Contains(out, "decrypts") {
		t.Errorf("verify with password printed %q", out)
	}

	var info job.Inspection
	if err := json.Unmarshal([]byte(c.mustRun("inspect", file, "--json", "--password-file", pwFile)), &info); err != nil {
		t.Fatal(err)
	}
	if info.Version != 3 || info.ForApp != "Cake Wallet" || info.AppVersion != appName+" "+version || info.Chunks != 1 || len(info.Wallets) == 0 {
		t.Errorf("inspect = %+v, want version 3 by %s with 1 chunk and wallets", info, appName)
	}

	to := filepath.Join(t.TempDir(), "restored")
	c.mustRun("restore", file, "--to", to, "--password-file", pwFile)
	got := readTree(t, to)
	want := readTree(t, sampleWallets)
	settings, err := os.ReadFile(sampleSettings)
	if err != nil {
		t.Fatal(err)
	}
	want["~_preferences_dump"] = settings
	if len(got) != len(want) {
		t.Errorf("restored %d files, want %d", len(got), len(want))
	}
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			t.Errorf("restored %s differs from the original", name)
		}
	}

	if out := c.mustRun("ls", "folder:"+filepath.Dir(file)); !strings.Contains(out, filepath.Base(file)) {
		t.Errorf("ls printed %q, want the backup listed", out)
	}
	for _, s := range []string{c.stdout.String(), c.stderr.String()} {
		if strings.Contains(s, pw) {
			t.Fatal("the user's password was printed")
		}
	}
}

func TestShortPasswordGetsAStrongWarning(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.vars[passwordEnv] = "hunter2"
	c.mustRun("create", "--source", sampleWallets, "--dest", "folder:"+t.TempDir())
	stderr := c.stderr.String()
	if !strings.Contains(stderr, "warning: DANGER") || strings.Contains(stderr, "hunter2") {
		t.Errorf("stderr %q: want a DANGER warning that does not repeat the password", stderr)
	}
	if strings.Contains(stderr, "Warning: ") {
		t.Errorf("stderr %q repeats the warning prefix", stderr)
	}
}

func TestFailuresExitWithOneLine(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	wrongFile := writePasswordFile(t, "a wrong password, also long")

	damaged := filepath.Join(t.TempDir(), "damaged")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[200] ^= 0x40 // inside data.bin: a flipped bit in transit
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	notBackup := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notBackup, []byte("just some text"), 0o600); err != nil {
		t.Fatal(err)
	}
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "keep"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string // in the error line
	}{
		{"no source", []string{"create"}, exitUsage, "source"},
		{"unknown command", []string{"backup-everything"}, exitUsage, "unknown command"},
		{"unknown flag", []string{"create", "--sauce", "x"}, exitUsage, "sauce"},
		{"stray argument", []string{"create", "--source", sampleWallets, "extra"}, exitUsage, "extra"},
		{"empty source", []string{"create", "--source", "", "--dest", "folder:" + t.TempDir(), "--password-file", pwFile}, exitUsage, "--source"},
		{"missing source dir", []string{"create", "--source", "/nonexistent/wallets", "--dest", "folder:" + t.TempDir(), "--password-file", pwFile}, exitUsage, "/nonexistent/wallets"},
		{"bad dest", []string{"create", "--source", sampleWallets, "--dest", "ftp:x", "--password-file", pwFile}, exitUsage, "ftp"},
		{"unknown app", []string{"create", "--source", sampleWallets, "--for-app", "Other Wallet", "--password-file", pwFile}, exitUsage, "Other Wallet"},
		{"bad name", []string{"create", "--source", sampleWallets, "--name", "../up", "--password-file", pwFile}, exitUsage, "--name"},
		{"two password sources", []string{"verify", file, "--password-file", pwFile, "--password-stdin"}, exitUsage, "one way"},
		{"restore without --to", []string{"restore", file, "--password-file", pwFile}, exitUsage, "cakebackup: restore needs --to"},
		{"restore without password", []string{"restore", file, "--to", t.TempDir() + "/x"}, exitUsage, "password"},
		{"wrong password", []string{"verify", file, "--password-file", wrongFile}, exitWrongPassword, "password"},
		{"wrong password restore", []string{"restore", file, "--to", filepath.Join(t.TempDir(), "r"), "--password-file", wrongFile}, exitWrongPassword, "password"},
		{"damaged", []string{"verify", damaged}, exitDamaged, "chunk 0"},
		{"not a backup", []string{"inspect", notBackup}, exitDamaged, "notes.txt"},
		{"missing file", []string{"verify", "/nonexistent/backup"}, exitUsage, "no such backup"},
		{"restore into non-empty", []string{"restore", file, "--to", nonEmpty, "--password-file", pwFile}, exitUsage, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := c.run(tt.args...)
			stderr := c.stderr.String()
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if len(lines) != 1 {
				t.Errorf("stderr has %d lines, want the error line alone: %q", len(lines), stderr)
			}
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "cakebackup: ") || !strings.Contains(last, tt.want) {
				t.Errorf("error line %q, want it to start with cakebackup: and mention %q", last, tt.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Errorf("stack trace on stderr: %s", stderr)
			}
		})
	}
	if got := readTree(t, nonEmpty); len(got) != 1 || string(got["keep"]) != "mine" {
		t.Errorf("restore into a non-empty folder changed it: %v", got)
	}
}

// TestOnePlaceGivenTwiceIsAUsageError: create and send refuse one folder
// named twice, however it is spelled, with the usage exit code and
// nothing written, rather than a second, renamed copy beside the first
// (or exit 1 when the spelling is the same).
func TestOnePlaceGivenTwiceIsAUsageError(t *testing.T) {
	t.Parallel()
	file, _ := sampleBackup(t)
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	out := t.TempDir()
	for _, dests := range [][]string{
		{"folder:" + out, "folder:" + out},
		{"folder:" + out, out + "/"},
	} {
		flags := []string{"--dest", dests[0], "--dest", dests[1]}
		for _, args := range [][]string{
			append([]string{"create", "--source", sampleWallets, "--password-file", pwFile}, flags...),
			append([]string{"send", file}, flags...),
		} {
			c := newCLI(t)
			if code := c.run(args...); code != exitUsage {
				t.Errorf("%s: exit %d, want %d; stderr: %s", strings.Join(args, " "), code, exitUsage, c.stderr.String())
			}
			if got := readTree(t, out); len(got) != 0 {
				t.Fatalf("%s left %d files in %s", strings.Join(args, " "), len(got), out)
			}
		}
	}
}

// TestDestinationArgumentMistakesAreUsageErrors: a spec whose argument
// cannot be right whatever is plugged in (folder: without a path,
// downloads: with one, proton: without its leading /) is a usage error, exit 2, not a failure, and
// nothing is written anywhere.
func TestDestinationArgumentMistakesAreUsageErrors(t *testing.T) {
	t.Parallel()
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	good := t.TempDir()
	file, _ := sampleBackup(t)
	for _, spec := range []string{"folder:", "downloads:elsewhere", "proton:", "proton:Backups"} {
		c := newCLI(t)
		// Refused before anything is written, even beside a good
		// destination.
		if code := c.run("create", "--source", sampleWallets, "--password-file", pwFile, "--dest", good, "--dest", spec); code != exitUsage {
			t.Errorf("create --dest %s: exit %d, want %d; stderr: %s", spec, code, exitUsage, c.stderr.String())
		}
		if code := c.run("send", file, "--dest", good, "--dest", spec, "--json"); code != exitUsage || !strings.Contains(c.stdout.String(), `"exit_code": 2`) {
			t.Errorf("send --dest %s --json: exit %d, want %d and the same in the result; stdout: %s", spec, code, exitUsage, c.stdout.String())
		}
		if got := readTree(t, good); len(got) != 0 {
			t.Errorf("--dest %s beside %s left %d files there", spec, good, len(got))
		}
		if code := c.run("ls", spec); code != exitUsage {
			t.Errorf("ls %s: exit %d, want %d; stderr: %s", spec, code, exitUsage, c.stderr.String())
		}
	}
}

// TestVerifySaysOneChunk: verify of a one-chunk backup says "1 chunk",
// with the password and without.
func TestVerifySaysOneChunk(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"without the password", []string{"verify", file}},
		{"with the password", []string{"verify", file, "--password-file", pwFile}},
	} {
		out := c.mustRun(tc.args...)
		if !strings.Contains(out, "(1 chunk") || strings.Contains(out, "1 chunks") {
			t.Errorf("%s: verify printed %q, want (1 chunk", tc.name, out)
		}
	}
}
