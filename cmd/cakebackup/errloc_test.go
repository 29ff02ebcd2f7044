//go:build unix

package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestErrorsNameEachPlaceOnce: a failure is one line on stderr that names
// the file or destination it is about once, whichever layer found the
// failure ("folder X does not exist", not "destination folder:X: folder X
// does not exist"; "F: too many levels of symbolic links", not "F: stat
// F: ..."), with the README's exit code. The failures are real: a path
// that is not there, a path through a file, a loop of symbolic links.
func TestErrorsNameEachPlaceOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	under := filepath.Join(file, "x") // a path through a regular file: ENOTDIR
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil { // stat gives ELOOP, as root too
		t.Fatal(err)
	}
	pw := writePasswordFile(t, sampleBackupPassword)
	backup, _ := sampleBackup(t)
	create := []string{"create", "--source", sampleWallets, "--settings", sampleSettings, "--password-file", pw, "--dest"}
	tests := []struct {
		name string
		args []string
		code int
		want string // the one line on stderr, without "cakebackup: "
	}{
		{"verify missing", []string{"verify", missing}, 2, missing + ": no such backup file"},
		{"verify through a file", []string{"verify", under}, 2, under + ": no such backup file"},
		{"verify folder: through a file", []string{"verify", "folder:" + under}, 2, "folder:" + under + ": no such backup file"},
		{"verify loop", []string{"verify", loop}, 1, loop + ": too many levels of symbolic links"},
		{"verify folder: loop", []string{"verify", "folder:" + loop}, 1, "folder:" + loop + ": too many levels of symbolic links"},
		{"inspect loop", []string{"inspect", loop}, 1, loop + ": too many levels of symbolic links"},
		{"restore loop", []string{"restore", loop, "--to", filepath.Join(dir, "to"), "--password-file", pw}, 1, loop + ": too many levels of symbolic links"},
		{"send loop", []string{"send", loop, "--dest", "folder:" + dir}, 1, loop + ": too many levels of symbolic links"},
		{"ls missing", []string{"ls", "folder:" + missing}, 1, "folder " + missing + " does not exist"},
		{"ls bare missing", []string{"ls", missing}, 1, "folder " + missing + " does not exist"},
		{"check missing", []string{"check", "folder:" + missing}, 1, "folder " + missing + " does not exist"},
		{"ls through a file", []string{"ls", "folder:" + under}, 1, "opening folder " + under + ": a part of the path is a file, not a folder (not a directory)"},
		{"create to missing", append(create, "folder:"+missing), 1, "folder " + missing + " does not exist"},
		{"send to missing", []string{"send", backup, "--dest", "folder:" + missing}, 1, "folder " + missing + " does not exist"},
		{"send to a file", []string{"send", backup, "--dest", "folder:" + file}, 2, file + " is not a folder"},
		// An unset variable in a script ("$FILE"): said as such, where
		// it was ": no such backup file". Nothing is sent.
		{"verify empty", []string{"verify", ""}, 2, "the backup FILE given to verify is empty"},
		{"inspect blank", []string{"inspect", " "}, 2, "the backup FILE given to inspect is empty"},
		{"restore empty", []string{"restore", "", "--to", filepath.Join(dir, "to"), "--password-file", pw}, 2, "the backup FILE given to restore is empty"},
		{"send one empty of two", []string{"send", backup, "", "--dest", "folder:" + dir}, 2, "a backup FILE given to send is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run(append(tc.args, "--quiet")...)
			if got, want := c.stderr.String(), "cakebackup: "+tc.want+"\n"; code != tc.code || got != want {
				t.Errorf("exit %d, stderr %q; want exit %d, %q", code, got, tc.code, want)
			}
		})
	}
}

// TestSendSaysEachFailureOnce: send's failure at the only destination is
// said once, by the error line on stderr, with the README's exit code;
// with two destinations, the failed one's stdout line names it once
// ("NOT sent: folder X does not exist", not "NOT sent to folder:X:
// folder X does not exist") and the other holds its verified copy. A
// destination that is a file refuses the whole send before anything is
// stored: one line, exit 2, nothing anywhere. The folders are real.
func TestSendSaysEachFailureOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// dests are the --dest values, given a missing path, a file and
		// a folder that works.
		dests func(missing, file, ok string) []string
		code  int
		// stdout is what follows the file's own line, given the same;
		// nil when send prints nothing at all.
		stdout func(missing, file, ok string) []string
		stderr func(missing, file string) string // without "cakebackup: "
		sent   bool                              // whether ok holds a copy
	}{
		{
			name:   "the only destination is missing",
			dests:  func(m, _, _ string) []string { return []string{"folder:" + m} },
			code:   1,
			stdout: func(string, string, string) []string { return []string{} },
			stderr: func(m, _ string) string { return "folder " + m + " does not exist" },
		},
		{
			name:   "the only destination is a missing bare path",
			dests:  func(m, _, _ string) []string { return []string{m} },
			code:   1,
			stdout: func(string, string, string) []string { return []string{} },
			stderr: func(m, _ string) string { return "folder " + m + " does not exist" },
		},
		{
			name:   "the only destination is a file",
			dests:  func(_, f, _ string) []string { return []string{"folder:" + f} },
			code:   2,
			stderr: func(_, f string) string { return f + " is not a folder" },
		},
		{
			name:  "the first of two is missing",
			dests: func(m, _, ok string) []string { return []string{"folder:" + m, "folder:" + ok} },
			code:  1,
			stdout: func(m, _, ok string) []string {
				return []string{"  NOT sent: folder " + m + " does not exist", "  sent and verified: " + ok}
			},
			stderr: func(m, _ string) string { return "1 of 2 destinations failed: folder " + m + " does not exist" },
			sent:   true,
		},
		{
			name:  "the second of two is a missing bare path",
			dests: func(m, _, ok string) []string { return []string{ok, m} },
			code:  1,
			stdout: func(m, _, ok string) []string {
				return []string{"  sent and verified: " + ok, "  NOT sent: folder " + m + " does not exist"}
			},
			stderr: func(m, _ string) string { return "1 of 2 destinations failed: folder " + m + " does not exist" },
			sent:   true,
		},
		{
			name:   "one of two is a file",
			dests:  func(_, f, ok string) []string { return []string{"folder:" + ok, f} },
			code:   2,
			stderr: func(_, f string) string { return f + " is not a folder" },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			backup := appExport(t, "v3")
			dir := t.TempDir()
			missing, file, ok := filepath.Join(dir, "missing"), filepath.Join(dir, "file"), filepath.Join(dir, "ok")
			if err := os.WriteFile(file, []byte("not a folder"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(ok, 0o700); err != nil {
				t.Fatal(err)
			}
			args := []string{"send", backup}
			for _, d := range tc.dests(missing, file, ok) {
				args = append(args, "--dest", d)
			}
			c := newCLI(t)
			code := c.run(args...)
			if want := "cakebackup: " + tc.stderr(missing, file) + "\n"; code != tc.code || c.stderr.String() != want {
				t.Errorf("exit %d, stderr %q; want exit %d, %q", code, c.stderr.String(), tc.code, want)
			}
			copyAt := filepath.Join(ok, filepath.Base(backup))
			stdout := c.stdout.String()
			if tc.stdout == nil {
				if stdout != "" {
					t.Errorf("stdout %q, want nothing", stdout)
				}
			} else {
				lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
				if !strings.HasPrefix(lines[0], backup+": made by ") {
					t.Errorf("stdout starts %q, want the file's own line", lines[0])
				}
				if want := tc.stdout(missing, file, copyAt); !slices.Equal(lines[1:], want) {
					t.Errorf("stdout after the file's line:\n%q\nwant\n%q", lines[1:], want)
				}
			}
			_, err := os.Stat(copyAt)
			if got := err == nil; got != tc.sent {
				t.Errorf("a copy in the folder that works: %v, want %v (%v)", got, tc.sent, err)
			}
			if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the missing folder: %v, want it still missing", err)
			}
		})
	}
}

// TestRefusedReadIsNoMissingFile: a backup that is there but may not be
// read (its mode 0600 and another owner; or a folder that may not be
// listed) fails with exit 1 and says there is no permission to read it,
// not "no such backup file" (exit 2). Root reads anything, so as root the
// program runs as nobody (uid 65534), from a folder nobody can reach.
func TestRefusedReadIsNoMissingFile(t *testing.T) {
	t.Parallel()
	dir, run := asUnprivileged(t)
	backup, _ := sampleBackup(t)
	mine := filepath.Join(dir, "backup")
	copyFile(t, backup, mine) // 0600, owned by root: nobody may not read it
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	inLocked := filepath.Join(locked, "backup")
	copyFile(t, backup, inLocked)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"verify", []string{"verify", mine}, mine + ": no permission to read it"},
		{"verify in a locked folder", []string{"verify", inLocked}, inLocked + ": no permission to read it"},
		{"verify folder:", []string{"verify", "folder:" + mine}, "folder:" + mine + ": no permission to read it"},
		{"restore", []string{"restore", mine, "--to", filepath.Join(dir, "to")}, mine + ": no permission to read it"},
		{"inspect", []string{"inspect", mine}, mine + ": no permission to read it"},
		{"send", []string{"send", mine, "--dest", dir}, mine + ": no permission to read it"},
		{"ls a locked folder", []string{"ls", "folder:" + locked}, "listing " + locked + ": no permission to read there (permission denied)"},
		// check names the backup once, in its result line and in its error.
		{"check", []string{"check", "folder:" + dir}, "a backup could not be read: " + mine + ": no permission to read it (permission denied)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stderr := run(t, tc.args...)
			if want := "cakebackup: " + tc.want + "\n"; code != 1 || stderr != want {
				t.Errorf("exit %d, stderr %q; want exit 1, %q", code, stderr, want)
			}
		})
	}
}

// asUnprivileged returns a folder and a way to run the program as a user
// that the folder's files with mode 0600 or 0700 refuse: the test's own
// user when it is not root, in this process; nobody (65534) when it is,
// in a child process started as nobody.
func asUnprivileged(t *testing.T) (dir string, run func(t *testing.T, args ...string) (int, string)) {
	t.Helper()
	if os.Getuid() != 0 {
		// The files are the test's own: make them another's by mode.
		dir = t.TempDir()
		t.Cleanup(func() {
			_ = filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error { return os.Chmod(p, 0o700) })
		})
		return dir, func(t *testing.T, args ...string) (int, string) {
			t.Helper()
			for _, p := range []string{filepath.Join(dir, "backup"), filepath.Join(dir, "locked")} {
				if err := os.Chmod(p, 0); err != nil {
					t.Fatal(err)
				}
			}
			c := newCLI(t)
			code := c.run(append(args, "--quiet")...)
			return code, c.stderr.String()
		}
	}
	// A folder nobody may enter and list (not t.TempDir's, 0700), holding
	// the program.
	dir, err := os.MkdirTemp("", "cakebackup-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin", programName)
	if err := os.Mkdir(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	// A hard link where the two folders share a file system: copying
	// the 36 MB program cost more than the runs as nobody.
	if err := os.Link(programPath(t), bin); err != nil {
		if err := copyExecutable(programPath(t), bin); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, func(t *testing.T, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--quiet")...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + dir, "PATH=/usr/bin:/bin"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		}
		if err != nil {
			t.Fatalf("running as nobody: %v", err)
		}
		return 0, stderr.String()
	}
}
