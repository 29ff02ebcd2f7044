package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/internal/interrupt"
)

// fullStdout stands for stdout on a full disk: it takes room bytes,
// then fails every write as an *os.File on /dev/full does.
type fullStdout struct {
	room int
	got  bytes.Buffer
	// whenFull, when set, is done at the first write that fails.
	whenFull func()
}

func (w *fullStdout) Write(b []byte) (int, error) {
	n := min(len(b), w.room)
	w.got.Write(b[:n])
	w.room -= n
	if n < len(b) {
		if w.whenFull != nil {
			w.whenFull()
			w.whenFull = nil
		}
		return n, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
	}
	return n, nil
}

// stdoutFullLine is the whole stderr of a run whose stdout was full.
const stdoutFullLine = "cakebackup: could not write to stdout: no space left on device\n"

// TestFullStdoutFailsTheRun: a command whose result cannot be written
// exits 1 with one line saying so, whatever it did besides; nothing is
// written after the write that failed, so a result cut short is not
// followed by more of it. What the command did is kept: the backup
// create made with the owner's password, the file send stored.
func TestFullStdoutFailsTheRun(t *testing.T) {
	t.Parallel()
	// Each run is given a backup (file, alone in its folder, with its
	// password in pw) and a new folder out to write in.
	type given struct{ file, pw, out string }
	tests := []struct {
		name string
		args func(g given) []string
		kept int // the entries the run leaves in out
	}{
		{"inspect", func(g given) []string { return []string{"inspect", g.file} }, 0},
		{"inspect --json", func(g given) []string { return []string{"inspect", "--json", g.file} }, 0},
		{"inspect with the password", func(g given) []string { return []string{"inspect", "--password-file", g.pw, g.file} }, 0},
		{"verify", func(g given) []string { return []string{"verify", g.file} }, 0},
		{"verify --json", func(g given) []string { return []string{"verify", "--json", g.file} }, 0},
		{"restore", func(g given) []string {
			return []string{"restore", "--password-file", g.pw, "--to", filepath.Join(g.out, "restored"), g.file}
		}, 1},
		{"check", func(g given) []string { return []string{"check", "folder:" + filepath.Dir(g.file)} }, 0},
		{"check --json", func(g given) []string { return []string{"check", "--json", "folder:" + filepath.Dir(g.file)} }, 0},
		{"ls", func(g given) []string { return []string{"ls", "folder:" + filepath.Dir(g.file)} }, 0},
		{"send", func(g given) []string { return []string{"send", g.file, "--dest", "folder:" + g.out} }, 1},
		{"send --json", func(g given) []string { return []string{"send", "--json", g.file, "--dest", "folder:" + g.out} }, 1},
		{"create", func(g given) []string {
			return []string{"create", "--source", sampleWallets, "--dest", "folder:" + g.out, "--password-file", g.pw}
		}, 1},
		{"create --json", func(g given) []string {
			return []string{"create", "--json", "--source", sampleWallets, "--dest", "folder:" + g.out, "--password-file", g.pw}
		}, 1},
		{"version", func(given) []string { return []string{"version"} }, 0},
		{"--help", func(given) []string { return []string{"--help"} }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Each run is given a backup of its own, as check
			// remembers what it checked.
			newGiven := func() given {
				file, pw := sampleBackup(t)
				return given{file, pw, t.TempDir()}
			}
			// The whole output, to a stdout that takes it, then the
			// same run's to one full from the start and to one full
			// after its first bytes.
			c := newCLI(t)
			whole := c.mustRun(tt.args(newGiven())...)
			for _, room := range []int{0, 7} {
				g := newGiven()
				stdout := &fullStdout{room: room}
				c.stdoutTo = stdout
				if code := c.run(tt.args(g)...); code != exitFailure {
					t.Errorf("room %d: exit %d, want %d", room, code, exitFailure)
				}
				if got := c.stderr.String(); got != stdoutFullLine {
					t.Errorf("room %d: stderr %q, want %q", room, got, stdoutFullLine)
				}
				if got, want := stdout.got.String(), whole[:room]; got != want {
					t.Errorf("room %d: stdout took %q, want %q", room, got, want)
				}
				if entries, _ := os.ReadDir(g.out); len(entries) != tt.kept {
					t.Errorf("room %d: the run left %v, want %d entries", room, entries, tt.kept)
				}
			}
		})
	}
}

// TestCreateRemovesTheBackupOfAnUnshownPassword: when the one write that
// shows a generated password fails, nobody can ever open the backup
// made with it: create removes it from every destination it stored it
// in, says so in one line and exits 1. The backups that were there
// before are left as they were. A password also saved in --password-out
// is not lost: the backup stays.
func TestCreateRemovesTheBackupOfAnUnshownPassword(t *testing.T) {
	t.Parallel()
	older, _ := sampleBackup(t)
	olderData, err := os.ReadFile(older)
	if err != nil {
		t.Fatal(err)
	}
	one, two := filepath.Dir(older), t.TempDir()
	// gone stands for a stick pulled out once the backup was stored on
	// it: the folder is no longer there to remove the backup from.
	gone := filepath.Join(t.TempDir(), "stick")
	const (
		notShown = "cakebackup: the generated password could not be shown (could not write to stdout: no space left on device) and the backup cannot be opened without it"
		again    = "; run create again (--password-out FILE keeps the password in a file)\n"
	)
	for _, tt := range []struct {
		name     string
		room     int // the bytes stdout takes before it is full
		dirs     []string
		whenFull func()
		want     string
	}{
		{"full from the start", 0, []string{one}, nil,
			notShown + ", so it was removed from " + filepath.Join(one, "fresh") + again},
		{"full before the password", 100, []string{one}, nil,
			notShown + ", so it was removed from " + filepath.Join(one, "fresh") + again},
		{"two destinations", 0, []string{one, two}, nil,
			notShown + ", so it was removed from " + filepath.Join(one, "fresh") + " and " + filepath.Join(two, "fresh") + again},
		{"a destination gone", 0, []string{one, gone}, func() {
			if err := os.Rename(gone, gone+".away"); err != nil {
				t.Error(err)
			}
		}, notShown + ", so it was removed from " + filepath.Join(one, "fresh") + "; could not remove it from " + filepath.Join(gone, "fresh") +
			" (folder " + gone + " does not exist): delete it, nobody can open it" + again},
	} {
		if err := os.MkdirAll(gone, 0o700); err != nil {
			t.Fatal(err)
		}
		c := newCLI(t)
		args := []string{"create", "--json", "--name", "fresh", "--source", sampleWallets}
		for _, d := range tt.dirs {
			args = append(args, "--dest", "folder:"+d)
		}
		stdout := &fullStdout{room: tt.room, whenFull: tt.whenFull}
		c.stdoutTo = stdout
		if code := c.run(args...); code != exitFailure {
			t.Errorf("%s: exit %d, want %d", tt.name, code, exitFailure)
		}
		if got := c.stderr.String(); got != tt.want {
			t.Errorf("%s: stderr\n%q, want\n%q", tt.name, got, tt.want)
		}
		if generatedPassword.MatchString(stdout.got.String()) {
			t.Errorf("%s: stdout took the password (%q), yet the backup was removed", tt.name, stdout.got.String())
		}
		if got := readTree(t, one); len(got) != 1 || !bytes.Equal(got[filepath.Base(older)], olderData) {
			t.Errorf("%s: %s holds %d files, want the older backup alone, as it was", tt.name, one, len(got))
		}
		if got := readTree(t, two); len(got) != 0 {
			t.Errorf("%s: %s holds %d files, want none", tt.name, two, len(got))
		}
	}

	// With --password-out the password is in the file: the backup stays
	// and opens with it; the run fails only for its result.
	c := newCLI(t)
	pwOut := filepath.Join(t.TempDir(), "pw")
	c.stdoutTo = &fullStdout{}
	if code := c.run("create", "--json", "--name", "fresh", "--source", sampleWallets, "--dest", "folder:"+two, "--password-out", pwOut); code != exitFailure {
		t.Errorf("--password-out: exit %d, want %d", code, exitFailure)
	}
	if got := c.stderr.String(); got != stdoutFullLine {
		t.Errorf("--password-out: stderr %q, want %q", got, stdoutFullLine)
	}
	c.stdoutTo = nil
	c.mustRun("verify", "--password-file", pwOut, filepath.Join(two, "fresh"))
}

// TestCreateLeavesAnotherFileAtTheNameOfAnUnshownBackup: create removes
// the backup of a password it could not show only while the name it was
// stored under still holds that very copy. A file put in its place
// since (another program's, a copy renamed over it) is not create's to
// delete: it stays, as it is, and the line says so.
func TestCreateLeavesAnotherFileAtTheNameOfAnUnshownBackup(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh")
	other := []byte("another program's file, not the backup\n")
	c := newCLI(t)
	c.stdoutTo = &fullStdout{whenFull: func() {
		// What a program saving a file does: a new file renamed
		// over the name.
		tmp := filepath.Join(dir, "other.tmp")
		if err := os.WriteFile(tmp, other, 0o600); err != nil {
			t.Error(err)
		}
		if err := os.Rename(tmp, fresh); err != nil {
			t.Error(err)
		}
	}}
	if code := c.run("create", "--json", "--name", "fresh", "--source", sampleWallets, "--dest", "folder:"+dir); code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	want := "cakebackup: the generated password could not be shown (could not write to stdout: no space left on device) and the backup cannot be opened without it; " +
		fresh + " is no longer the copy it stored (changed or replaced since): left as it is" +
		"; run create again (--password-out FILE keeps the password in a file)\n"
	if got := c.stderr.String(); got != want {
		t.Errorf("stderr\n%q, want\n%q", got, want)
	}
	if got := readTree(t, dir); len(got) != 1 || !bytes.Equal(got["fresh"], other) {
		t.Errorf("%s holds %d files (fresh: %q), want the other file alone, as it was", dir, len(got), got["fresh"])
	}
}

// TestCreateInterruptedRemovesTheBackupOfAnUnshownPassword: Ctrl-C
// reaches a pipeline as a whole (cakebackup create --json | jq), so the
// reader of the password may be gone because the run was interrupted.
// The backup made with it is removed all the same, and the line says
// what became of it, with the signal's exit code: "interrupted" alone
// would not tell that a backup was made and removed.
func TestCreateInterruptedRemovesTheBackupOfAnUnshownPassword(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	c := newCLI(t)
	c.stdoutTo = &fullStdout{whenFull: func() { cancel(&interrupt.Error{Code: 130}) }}
	if code := c.runContext(ctx, "create", "--json", "--name", "fresh", "--source", sampleWallets, "--dest", "folder:"+dir); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	want := "cakebackup: the generated password could not be shown (could not write to stdout: no space left on device) and the backup cannot be opened without it, so it was removed from " +
		filepath.Join(dir, "fresh") + "; run create again (--password-out FILE keeps the password in a file)\n"
	if got := c.stderr.String(); got != want {
		t.Errorf("stderr\n%q, want\n%q", got, want)
	}
	if got := readTree(t, dir); len(got) != 0 {
		t.Errorf("%s holds %d files, want none", dir, len(got))
	}
}

// TestCreateRemovesAnUnshownBackupFromProton: on Proton Drive the copy
// of a backup whose generated password could not be shown is found by
// the identity recorded when it was stored (its link and revision) and
// removed (to the trash), as in a folder: ls lists nothing after.
func TestCreateRemovesAnUnshownBackupFromProton(t *testing.T) {
	t.Parallel()
	c, _ := loggedInProtonCLI(t)
	c.stdoutTo = &fullStdout{}
	if code := c.run("create", "--json", "--name", "fresh", "--source", sampleWallets, "--dest", "proton:/Backups"); code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	want := "cakebackup: the generated password could not be shown (could not write to stdout: no space left on device) and the backup cannot be opened without it, so it was removed from proton:/Backups/fresh" +
		"; run create again (--password-out FILE keeps the password in a file)\n"
	if got := c.stderr.String(); got != want {
		t.Errorf("stderr\n%q, want\n%q", got, want)
	}
	c.stdoutTo = nil
	if got := c.mustRun("ls", "--json", "proton:/Backups"); strings.Contains(got, "fresh") {
		t.Errorf("ls proton:/Backups after the removal: %s", got)
	}
}

// TestFullStdoutKeepsTheVerdict: a run that failed for its own reason
// keeps its line and exit code when its stdout is full too: a check that
// found a damaged backup exits 4, as does a send of two files one of
// which is damaged, with the line the run gives on a stdout that takes
// everything; only the result is missing.
func TestFullStdoutKeepsTheVerdict(t *testing.T) {
	t.Parallel()
	damaged := func(t *testing.T) (dir, file string) {
		good, _ := sampleBackup(t)
		data, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		data[len(data)/2] ^= 0xff
		dir = t.TempDir()
		file = filepath.Join(dir, "cake_wallet_backup_2026-12-03_010203")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir, file
	}
	tests := []struct {
		name string
		code int
		args func(t *testing.T) []string
	}{
		{"check of a damaged backup", exitDamaged, func(t *testing.T) []string {
			dir, _ := damaged(t)
			return []string{"check", "folder:" + dir}
		}},
		{"send of two files, one damaged", exitDamaged, func(t *testing.T) []string {
			good, _ := sampleBackup(t)
			_, bad := damaged(t)
			return []string{"send", good, bad, "--dest", "folder:" + t.TempDir()}
		}},
		// "1 of 2 destinations failed", where it said "could not write
		// to stdout" (review doubt): the run's own failure says more.
		{"create at two destinations, one missing", exitFailure, func(t *testing.T) []string {
			missing := filepath.Join(t.TempDir(), "missing")
			return []string{"create", "--source", sampleWallets, "--password-file", writePasswordFile(t, "correct horse battery staple"),
				"--dest", "folder:" + t.TempDir(), "--dest", "folder:" + missing}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			// The line and code on a stdout that takes everything.
			args := tt.args(t)
			code := c.run(args...)
			if code != tt.code {
				t.Fatalf("exit %d with a working stdout, want %d; stderr %q", code, tt.code, c.stderr.String())
			}
			if c.stdout.Len() == 0 {
				t.Fatal("the run printed no result: a full stdout would change nothing")
			}
			line := c.stderr.String()
			// The same run again, from a new home (check remembers what
			// it found), to a full stdout.
			full := newCLI(t)
			full.stdoutTo = &fullStdout{}
			if code := full.run(args...); code != tt.code {
				t.Errorf("exit %d with a full stdout, want %d; stderr %q", code, tt.code, full.stderr.String())
			}
			if got := full.stderr.String(); got != line {
				t.Errorf("stderr with a full stdout %q, want %q", got, line)
			}
		})
	}
}
