package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/internal/cliargs"
)

// wantOneLine fails the test unless a run exited with code and printed
// one line on stderr that holds want.
func wantOneLine(t *testing.T, code int, stderr string, wantCode int, want string) {
	t.Helper()
	if code != wantCode || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit %d and one line holding %q", code, stderr, wantCode, want)
	}
}

// TestFolderGivenForABackupFile: every command that reads a backup FILE
// refuses a folder given in its place with the usage exit code (the
// argument is wrong; exit 4 would say a backup is damaged), as it does a
// file that is not there, in one line naming it.
func TestFolderGivenForABackupFile(t *testing.T) {
	t.Parallel()
	folder := t.TempDir()
	missing := filepath.Join(t.TempDir(), "gone")
	pwFile := writePasswordFile(t, "whatever it is, it is not read")
	for _, arg := range []string{folder, missing} {
		for _, args := range [][]string{
			{"verify", arg},
			{"inspect", arg},
			{"restore", arg, "--to", filepath.Join(t.TempDir(), "out"), "--password-file", pwFile},
			{"send", arg, "--dest", "folder:" + t.TempDir()},
		} {
			t.Run(args[0]+" "+filepath.Base(arg), func(t *testing.T) {
				t.Parallel()
				c := newCLI(t)
				code := c.run(args...)
				stderr := c.stderr.String()
				wantOneLine(t, code, stderr, exitUsage, arg)
			})
		}
	}
}

// TestFileGivenForAFolder: a destination folder that is a file is the
// person's mistake whatever is plugged in: the usage exit code, one line
// naming it, and nothing written.
func TestFileGivenForAFolder(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	pwFile := writePasswordFile(t, "a password that is long enough to pass")
	for _, args := range [][]string{
		{"ls", "folder:" + file},
		{"check", "folder:" + file},
		{"create", "--source", t.TempDir(), "--allow-empty", "--dest", "folder:" + file, "--password-file", pwFile},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run(args...)
			stderr := c.stderr.String()
			wantOneLine(t, code, stderr, exitUsage, file+" is not a folder")
			if b, err := os.ReadFile(file); err != nil || string(b) != "not a folder" {
				t.Errorf("the file now holds %q (%v)", b, err)
			}
		})
	}
}

// TestRestoreToAFolderInUse: restore --to a folder that holds something,
// or a file, or a path below a file (which cannot be made), is the usage
// error it is (exit 2), said in one line naming the file, with a password
// or before one is asked for.
func TestRestoreToAFolderInUse(t *testing.T) {
	t.Parallel()
	file, pwFile := sampleBackup(t)
	notEmpty := t.TempDir()
	aFile := filepath.Join(notEmpty, "kept.txt")
	if err := os.WriteFile(aFile, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, to, want string
		password       []string
	}{
		{"a folder in use", notEmpty, "is not empty", []string{"--password-file", pwFile}},
		{"a file", aFile, "exists and is not a folder", []string{"--password-file", pwFile}},
		{"a file, written as a folder", aFile + "/", "exists and is not a folder", []string{"--password-file", pwFile}},
		{"below a file", filepath.Join(aFile, "x"), "cannot be made: " + aFile + " exists and is not a folder", []string{"--password-file", pwFile}},
		{"below a file, deeper", filepath.Join(aFile, "x", "y"), "cannot be made: " + aFile + " exists and is not a folder", nil},
		{"a folder in use, no password", notEmpty, "is not empty", nil}, // none on stdin either
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run(append([]string{"restore", file, "--to", tc.to}, tc.password...)...)
			stderr := c.stderr.String()
			wantOneLine(t, code, stderr, exitUsage, "--to "+tc.to+" "+tc.want)
			if strings.Contains(stderr, "not a folder") && strings.Contains(stderr, "not empty") {
				t.Errorf("stderr %q says both that it is no folder and that the folder is not empty", stderr)
			}
			if b, err := os.ReadFile(aFile); err != nil || string(b) != "mine" {
				t.Errorf("%s now holds %q (%v)", aFile, b, err)
			}
		})
	}
}

// TestCreateFromAMissingSource: a --source that is not there (a path
// through a file is not either), or is a file, is a usage error (exit 2) as an empty --source is, in one line
// naming it and the flag.
func TestCreateFromAMissingSource(t *testing.T) {
	t.Parallel()
	aFile := writePasswordFile(t, "not a folder")
	missing := filepath.Join(t.TempDir(), "gone")
	for _, tc := range []struct{ source, want string }{
		{missing, "--source " + missing + ": no such file or folder"},
		{filepath.Join(aFile, "wallets"), "--source " + filepath.Join(aFile, "wallets") + ": no such file or folder"}, // through a file: ENOTDIR
		{aFile, "--source " + aFile + " is not a folder"},
		{"", "--source is empty"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			dest := t.TempDir()
			code := c.run("create", "--source", tc.source, "--dest", "folder:"+dest, "--password-file", aFile)
			stderr := c.stderr.String()
			wantOneLine(t, code, stderr, exitUsage, tc.want)
			if entries, _ := os.ReadDir(dest); len(entries) != 0 {
				t.Errorf("%s holds %d files", dest, len(entries))
			}
		})
	}
}

// TestPathFlagGivenAFlag: a flag that takes a file or a folder, followed
// by one of the command's own flags (urfave/cli gives it that word), is a
// usage error naming both, in every command: `--password-file --json`
// would otherwise read a password from a file called --json, and lose
// --json.
func TestPathFlagGivenAFlag(t *testing.T) {
	t.Parallel()
	type pathFlag struct {
		command []string
		flag    string // --password-file
		what    string // "a file name"
		next    string // the word the flag is given: one of the command's flags
	}
	var cases []pathFlag
	var walk func(path []string, cmds []*cli.Command)
	walk = func(path []string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			p := append(slices.Clone(path), cmd.Name)
			walk(p, cmd.Subcommands)
			next := "-q"
			for _, f := range cmd.Flags {
				if slices.Contains(f.Names(), "json") {
					next = "--json"
				}
			}
			for _, f := range cmd.Flags {
				if what := cliargs.PathArgument(f); what != "" {
					cases = append(cases, pathFlag{p, "--" + f.Names()[0], what, next})
				}
			}
		}
	}
	walk(nil, newApp(&env{getenv: func(string) string { return "" }}).Commands)
	if len(cases) < 10 {
		t.Fatalf("found only %v", cases)
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.command, " ")+" "+tc.flag, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run(append(slices.Clone(tc.command), tc.flag, tc.next)...)
			stderr := c.stderr.String()
			want := tc.flag + " needs " + tc.what + "; got " + tc.next
			wantOneLine(t, code, stderr, exitUsage, want)
		})
	}
}

// TestPathFlagNamingAFileLikeAFlag: a file that is really called --json
// is read, as it was asked for.
func TestPathFlagNamingAFileLikeAFlag(t *testing.T) {
	file, pwFile := sampleBackup(t)
	dir := t.TempDir()
	copyFile(t, pwFile, filepath.Join(dir, "--json"))
	t.Chdir(dir)
	c := newCLI(t)
	if out := c.mustRun("verify", file, "--password-file", "--json"); strings.HasPrefix(out, "{") {
		t.Errorf("verify printed JSON, without --json: %q", out)
	}
}

// TestMissingConfigFile: a --config file that is not there, given to a
// command that reads the saved default destination from it, is a usage
// error naming it, rather than a backup or a listing of Downloads that
// would look like the saved default's, with exit 0.
func TestMissingConfigFile(t *testing.T) {
	t.Parallel()
	file, pwFile := sampleBackup(t)
	missing := filepath.Join(t.TempDir(), "cofnig.toml")
	for _, args := range [][]string{
		{"ls", "--config", missing},
		{"ls", "--config", missing, "--json"},
		{"send", file, "--config", missing},
		{"create", "--source", sampleWallets, "--password-file", pwFile, "--config", missing},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run(args...)
			stderr := c.stderr.String()
			wantOneLine(t, code, stderr, exitUsage, missing+": no such config file")
			if files := regularFilesUnder(t, c.vars["HOME"]); len(files) != 0 {
				t.Errorf("wrote %v", files)
			}
		})
	}
}

// regularFilesUnder lists the regular files in the tree at root.
func regularFilesUnder(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestPickWithoutATerminal: pick, or create --pick, with neither a
// terminal nor a desktop to ask on is a usage error (exit 2), as a
// password nobody can be asked for is: the command line must say it.
// The hint names what that command takes instead: create a --dest, pick
// (which has no --dest) the specs dests lists.
func TestPickWithoutATerminal(t *testing.T) {
	t.Parallel()
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	for _, tt := range []struct {
		args     []string
		hint     string
		notInMsg string
	}{
		{[]string{"pick"}, "see `cakebackup dests` for the destinations there are", "--dest"},
		{[]string{"create", "--source", sampleWallets, "--password-file", pwFile, "--pick"}, "give --dest SPEC instead of --pick", ""},
	} {
		t.Run(tt.args[0], func(t *testing.T) {
			t.Parallel()
			c := newCLI(t) // stdin is no terminal; no DISPLAY or WAYLAND_DISPLAY
			code := c.run(tt.args...)
			stderr := c.stderr.String()
			wantOneLine(t, code, stderr, exitUsage, "no terminal to show the folder picker on: run it in a terminal, or "+tt.hint)
			if tt.notInMsg != "" && strings.Contains(stderr, tt.notInMsg) {
				t.Errorf("stderr = %q; %s takes no %s", stderr, tt.args[0], tt.notInMsg)
			}
		})
	}
}

// TestRelativeFolderAsDestination: a destination written as the name of
// a folder in the current one (`ls backups`, `--dest ./backups`) is
// still a usage error, whose line says how to write it.
func TestRelativeFolderAsDestination(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"backups", "Saved"} {
		if err := os.Mkdir(filepath.Join(dir, name), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	wallets, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ls", "backups"}, "(for the folder backups here, write folder:backups)"},
		{[]string{"check", "./backups"}, "(for the folder ./backups here, write folder:./backups)"},
		{[]string{"create", "--source", wallets, "--password-file", pwFile, "--dest", "Saved"}, "(for the folder Saved here, write folder:Saved)"},
	} {
		c := newCLI(t)
		code := c.run(tc.args...)
		stderr := c.stderr.String()
		wantOneLine(t, code, stderr, exitUsage, tc.want)
		if tc.args[0] == "ls" {
			// What it says to write works.
			c.mustRun("ls", "folder:backups")
		}
	}
}

// TestCreateRefusesDestInSource: create, and schedule add, refuse a
// --dest that is the --source folder or one inside it, reached directly
// or through a symbolic link (exit 2, one line naming the destination):
// each backup would hold the ones before it. Nothing is written there,
// and schedule add saves no job.
func TestCreateRefusesDestInSource(t *testing.T) {
	t.Parallel()
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	src := t.TempDir()
	if err := os.CopyFS(src, os.DirFS(sampleWallets)); err != nil {
		t.Fatal(err)
	}
	// A name the backup would skip with a warning: the refusal is still
	// the only line.
	if err := os.WriteFile(filepath.Join(src, "notes: 1.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	inside := filepath.Join(src, "backups")
	if err := os.Mkdir(inside, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(src, link); err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{"folder:" + src, inside, "folder:" + filepath.Join(link, "backups")} {
		t.Run(dest, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run("create", "--source", src, "--dest", dest, "--password-file", pwFile)
			wantOneLine(t, code, c.stderr.String(), exitUsage, dest+" is in the folder being backed up")
			cfg := filepath.Join(t.TempDir(), "config.toml")
			code = c.run("schedule", "add", "--config", cfg, "--source", src, "--dest", dest,
				"--every", "24h", "--password-file", pwFile, "inside")
			wantOneLine(t, code, c.stderr.String(), exitUsage, dest+" is in the folder being backed up")
			if _, err := os.Stat(cfg); !os.IsNotExist(err) {
				t.Errorf("config written after the refusal: %v", err)
			}
		})
	}
	if entries, _ := os.ReadDir(inside); len(entries) != 0 {
		t.Errorf("%s holds %d files", inside, len(entries))
	}
}
