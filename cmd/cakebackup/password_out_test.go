package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/job"
)

// generatedPassword finds a generated password in text.
var generatedPassword = regexp.MustCompile(`[2-9a-z]{5}(-[2-9a-z]{5}){5}`)

// downloadsBackups lists the backups in the test home's Downloads.
func downloadsBackups(t *testing.T, home string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(home, "Downloads"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, filepath.Join(home, "Downloads", e.Name()))
	}
	return out
}

// Without a terminal (stdout is a buffer here), a generated password has
// nowhere to go: create refuses before making anything.
func TestCreateWithoutTerminalNeedsPasswordOutOrJSON(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if code := c.run("create", "--source", sampleWallets, "--quiet"); code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, c.stderr.String())
	}
	oneErrorLine(t, c, "no terminal", "--password-out FILE", "--json")
	if got := downloadsBackups(t, c.vars["HOME"]); len(got) != 0 {
		t.Errorf("a refused create left %v", got)
	}
	if generatedPassword.MatchString(c.stdout.String() + c.stderr.String()) {
		t.Error("a refused create printed a password")
	}

	// --json carries it, as before.
	var res job.CreatedResult
	if err := json.Unmarshal([]byte(c.mustRun("create", "--source", sampleWallets, "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if !generatedPassword.MatchString(res.Password) {
		t.Fatalf("create --json gave password %q", res.Password)
	}
	c.vars[passwordEnv] = res.Password
	c.mustRun("verify", res.Location)
}

func TestCreatePasswordOut(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwOut := filepath.Join(t.TempDir(), "backup-password.txt")
	out := c.mustRun("create", "--source", sampleWallets, "--password-out", pwOut, "--quiet")
	fi, err := os.Stat(pwOut)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("password file mode %v, want 0600", fi.Mode().Perm())
	}
	b, err := os.ReadFile(pwOut)
	if err != nil {
		t.Fatal(err)
	}
	pw := strings.TrimSuffix(string(b), "\n")
	if !generatedPassword.MatchString(pw) || len(pw) != 35 {
		t.Fatalf("password file holds %q, want a generated password and a newline", b)
	}
	if strings.Contains(out+c.stderr.String(), pw) {
		t.Error("the password was printed although it went to a file")
	}
	if !strings.Contains(out, pwOut) {
		t.Errorf("create printed %q, want it to say where the password is", out)
	}
	backups := downloadsBackups(t, c.vars["HOME"])
	if len(backups) != 1 {
		t.Fatalf("Downloads holds %v, want one backup", backups)
	}
	c.mustRun("verify", backups[0], "--password-file", pwOut)

	t.Run("an existing file is never overwritten", func(t *testing.T) {
		if code := c.run("create", "--source", sampleWallets, "--password-out", pwOut, "--quiet"); code != exitUsage {
			t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, c.stderr.String())
		}
		oneErrorLine(t, c, pwOut, "already exists")
		if after, _ := os.ReadFile(pwOut); string(after) != string(b) {
			t.Error("the existing password file changed")
		}
		if got := downloadsBackups(t, c.vars["HOME"]); len(got) != 1 {
			t.Errorf("Downloads holds %v: a backup was made without its password saved", got)
		}
	})
	t.Run("a file that cannot be written: no backup", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "missing-folder", "pw")
		if code := c.run("create", "--source", sampleWallets, "--password-out", bad, "--quiet"); code != exitUsage {
			t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, c.stderr.String())
		}
		oneErrorLine(t, c, "--password-out")
		if got := downloadsBackups(t, c.vars["HOME"]); len(got) != 1 {
			t.Errorf("Downloads holds %v: a backup was made without its password saved", got)
		}
	})
	t.Run("a failed backup takes its password file away", func(t *testing.T) {
		notAFolder := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(notAFolder, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "pw")
		if code := c.run("create", "--source", sampleWallets, "--password-out", fresh, "--dest", "folder:"+filepath.Join(notAFolder, "sub"), "--quiet"); code == exitOK {
			t.Fatal("create into a folder under a file succeeded")
		}
		if _, err := os.Stat(fresh); !os.IsNotExist(err) {
			t.Errorf("the password of a backup that was not made is left in %s (%v)", fresh, err)
		}
	})
	t.Run("only for a generated password", func(t *testing.T) {
		if code := c.run("create", "--source", sampleWallets, "--password-out", filepath.Join(t.TempDir(), "pw"),
			"--password-file", writePasswordFile(t, "my own long password here")); code != exitUsage {
			t.Fatalf("exit %d, want %d; stderr %q", code, exitUsage, c.stderr.String())
		}
		oneErrorLine(t, c, "--password-out")
	})
}

// A generated password typed in upper case, without its dashes or with a
// space still opens the backup, and the user is told how to type it.
func TestGeneratedPasswordTypedLoosely(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	pwOut := filepath.Join(t.TempDir(), "pw")
	c.mustRun("create", "--source", sampleWallets, "--password-out", pwOut, "--quiet")
	b, err := os.ReadFile(pwOut)
	if err != nil {
		t.Fatal(err)
	}
	pw := strings.TrimSpace(string(b))
	file := downloadsBackups(t, c.vars["HOME"])[0]
	const note = "note: the password was accepted in its canonical form"
	loose := map[string]string{
		"upper case":     strings.ToUpper(pw),
		"without dashes": strings.ReplaceAll(pw, "-", ""),
		"spaces":         " " + strings.ReplaceAll(pw, "-", " ") + " ",
	}
	for name, typed := range loose {
		t.Run(name, func(t *testing.T) {
			c.vars[passwordEnv] = typed
			for _, args := range [][]string{
				{"verify", file},
				{"inspect", file},
				{"restore", file, "--to", filepath.Join(t.TempDir(), "restored")},
			} {
				out := c.mustRun(args...)
				if n := strings.Count(c.stderr.String(), note); n != 1 {
					t.Errorf("%s: stderr %q, want the note once", args[0], c.stderr.String())
				}
				if strings.Contains(out+c.stderr.String(), pw) {
					t.Errorf("%s printed the password", args[0])
				}
			}
		})
	}
	t.Run("exact: no note", func(t *testing.T) {
		c.vars[passwordEnv] = pw
		c.mustRun("verify", file)
		if strings.Contains(c.stderr.String(), "note:") {
			t.Errorf("stderr %q", c.stderr.String())
		}
	})
	t.Run("another generated password is still wrong", func(t *testing.T) {
		other := []byte(pw)
		other[0] = map[bool]byte{true: 'b', false: 'a'}[other[0] == 'a']
		c.vars[passwordEnv] = strings.ToUpper(string(other))
		if code := c.run("verify", file); code != exitWrongPassword {
			t.Fatalf("exit %d, want %d", code, exitWrongPassword)
		}
		if strings.Contains(c.stderr.String(), "note:") {
			t.Errorf("stderr %q", c.stderr.String())
		}
	})
}

// On a real terminal the generated password is shown, with the advice to
// type it exactly, and create succeeds.
func TestCreateShowsGeneratedPasswordOnTerminal(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
	bin := programPath(t)
	wallets, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	p := startInPTY(t, bin, home, "create", "--source", wallets, "--quiet")
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit %d; the terminal shows:\n%q", code, p.screen.String())
	}
	screen := p.screen.String()
	pw := generatedPassword.FindString(screen)
	if pw == "" || !strings.Contains(screen, "SAVE THIS PASSWORD") || !strings.Contains(screen, "with its dashes") {
		t.Fatalf("no generated password shown with its advice; the terminal shows:\n%q", screen)
	}
	backups := downloadsBackups(t, home)
	if len(backups) != 1 {
		t.Fatalf("Downloads holds %v, want one backup", backups)
	}
	verify := newCLI(t)
	verify.vars[passwordEnv] = pw
	if verify.run("verify", backups[0]) != 0 {
		t.Errorf("the shown password does not open the backup: %s", verify.stderr.String())
	}
}
