//go:build unix

package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileTree is a folder of the things a hostile-input sweep hands the
// commands: a good backup and password file to pair with the bad value,
// and the bad values that are files (a FIFO, a loop of symbolic links, a
// password file that is empty, a config that is not TOML, ...).
type hostileTree struct {
	root string
	// home is the commands' $HOME (and XDG folders) in the tree.
	home string
	// out is the only folder a case may write into (hostileCase.writes).
	out string

	backup, pw, dir, fifo, loop, long string

	emptyPw, newlinePw, bigPw, widePw string

	badTOML, unknownTOML, emptyJobTOML string
}

func newHostileTree(t *testing.T) *hostileTree {
	t.Helper()
	root := t.TempDir()
	h := &hostileTree{
		root:         root,
		home:         filepath.Join(root, "home"),
		out:          filepath.Join(root, "out"),
		backup:       filepath.Join(root, "cake_wallet_backup_2026-11-25_010203"),
		pw:           filepath.Join(root, "pw"),
		dir:          filepath.Join(root, "dir"),
		fifo:         filepath.Join(root, "fifo"),
		loop:         filepath.Join(root, "loop1"),
		long:         filepath.Join(root, strings.Repeat("n", 5000)),
		emptyPw:      filepath.Join(root, "empty-pw"),
		newlinePw:    filepath.Join(root, "newline-pw"),
		bigPw:        filepath.Join(root, "big-pw"),
		widePw:       filepath.Join(root, "wide-pw"),
		badTOML:      filepath.Join(root, "bad.toml"),
		unknownTOML:  filepath.Join(root, "unknown.toml"),
		emptyJobTOML: filepath.Join(root, "empty-job.toml"),
	}
	// The config folder is made 0700 by the first command that looks
	// for the default config.
	for _, d := range []string{h.home, filepath.Join(h.home, ".config"), filepath.Join(h.home, ".config", "cakebackup"), h.out, h.dir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, sampleBackupFixture.copyFor(t), h.backup)
	files := []struct {
		path, data string
		mode       fs.FileMode
	}{
		{h.pw, sampleBackupPassword + "\n", 0o600},
		{h.emptyPw, "", 0o600},
		{h.newlinePw, "\n", 0o600},
		{h.widePw, sampleBackupPassword + "\n", 0o644},
		{h.badTOML, "this is [not toml\n", 0o600},
		{h.unknownTOML, "default_dest = \"downloads\"\nbogus_key = 1\n", 0o600},
		{h.emptyJobTOML, "[[job]]\nname = \"\"\nsource = \"/tmp\"\nevery = \"1h\"\n", 0o600},
	}
	for _, f := range files {
		if err := os.WriteFile(f.path, []byte(f.data), f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f.path, f.mode); err != nil {
			t.Fatal(err)
		}
	}
	// 100 MB with no line end, sparse: cheap to make, as long to read.
	if err := os.WriteFile(h.bigPw, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(h.bigPw, 100<<20); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(h.fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop2", h.loop); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop1", filepath.Join(root, "loop2")); err != nil {
		t.Fatal(err)
	}
	return h
}

// cli is a command line runner whose home is the tree's.
func (h *hostileTree) cli(t *testing.T) *cliRun {
	c := newCLI(t)
	c.vars = map[string]string{
		"HOME":            h.home,
		"XDG_CONFIG_HOME": filepath.Join(h.home, ".config"),
		"XDG_STATE_HOME":  filepath.Join(h.home, ".local", "state"),
		"XDG_DATA_HOME":   filepath.Join(h.home, ".local", "share"),
		// Nothing here may reach a network.
		"CAKEBACKUP_PROTON_URL": "http://127.0.0.1:9",
	}
	return c
}

// treeEntry is what the sweep compares of a path before and after a run.
type treeEntry struct {
	mode fs.FileMode
	size int64
}

// snapshot returns every path under root (not following links) with its
// type, permissions and size.
func snapshot(t *testing.T, root string) map[string]treeEntry {
	t.Helper()
	m := map[string]treeEntry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		size := fi.Size()
		if fi.IsDir() {
			size = 0
		}
		m[p] = treeEntry{fi.Mode(), size}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hostileCase is one command line given a bad value.
type hostileCase struct {
	args []string
	code int
	// want is in the error line, after "cakebackup: ".
	want string
	// stdin is the command's standard input.
	stdin string
	// writes: the command may write into the tree's out folder (and
	// nowhere else), as it should with the value given.
	writes bool
}

// goInternal matches what Go, not cakebackup, words: a *fs.PathError's
// "open PATH: ", a value printed with a wrong verb, a struct, a stack,
// or the flag package's own messages.
var goInternal = regexp.MustCompile(`\b(open|lstat|stat|read|write|mkdir|rename|remove|fstat|seek|readdirent) (\S*/\S*|-|): |%!|&\{|goroutine |panic|invalid value .* for flag|flag -[a-z]`)

// runHostile runs tc and checks the one line, the exit code and the tree.
func (h *hostileTree) runHostile(t *testing.T, tc hostileCase) {
	t.Helper()
	before := snapshot(t, h.root)
	c := h.cli(t)
	c.stdin = tc.stdin
	code := c.run(tc.args...)
	stderr := c.stderr.String()
	if code != tc.code {
		t.Errorf("exit %d, want %d; stderr %q", code, tc.code, stderr)
	}
	checkErrorLine(t, stderr, tc.want)
	after := snapshot(t, h.root)
	for p, e := range after {
		if tc.writes && strings.HasPrefix(p, h.out+string(filepath.Separator)) {
			if e.mode.IsRegular() && e.mode.Perm()&0o077 != 0 {
				t.Errorf("%s was written with mode %v, wider than 0600", p, e.mode)
			}
			continue
		}
		if b, ok := before[p]; !ok {
			t.Errorf("left %s (%v) in the tree", p, e.mode)
		} else if b != e {
			t.Errorf("changed %s: %v %d bytes, was %v %d bytes", p, e.mode, e.size, b.mode, b.size)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("removed %s", p)
		}
	}
	if tc.writes {
		if err := os.RemoveAll(h.out); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(h.out, 0o700); err != nil {
			t.Fatal(err)
		}
	}
}

// checkErrorLine checks that stderr is one line, "cakebackup: " and an
// error holding want, worded by cakebackup and safe to print on a
// terminal.
func checkErrorLine(t *testing.T, stderr, want string) {
	t.Helper()
	line, rest, _ := strings.Cut(stderr, "\n")
	if rest != "" || !strings.HasSuffix(stderr, "\n") {
		t.Errorf("stderr is not one line: %q", stderr)
	}
	if !strings.HasPrefix(line, "cakebackup: ") || !strings.Contains(line, want) {
		t.Errorf("error line %q, want it to start with cakebackup: and hold %q", line, want)
	}
	if goInternal.MatchString(line) {
		t.Errorf("error line %q holds words of Go's, not cakebackup's", line)
	}
	if i := strings.IndexFunc(line, func(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }); i >= 0 || !utf8.ValidString(line) {
		t.Errorf("error line %q holds a control character or bytes that are not UTF-8", line)
	}
}

// TestHostileInput hands every command bad values for its arguments and
// flags: each gets one clear line on stderr, the right exit code, and
// leaves the files as they were.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	h := newHostileTree(t)
	create := []string{"create", "--source", sampleWallets, "--dest", "folder:" + h.out}
	job := []string{"schedule", "add", "j", "--config", filepath.Join(h.out, "c.toml"), "--source", sampleWallets, "--dest", "folder:" + h.out, "--password-file", h.pw}
	var tests []hostileCase
	add := func(code int, want string, args ...string) {
		tests = append(tests, hostileCase{args: args, code: code, want: want})
	}

	// A backup FILE that is none.
	for _, f := range []struct {
		arg  string
		code int
		want string
	}{
		{"", exitUsage, "is empty"},
		{"-", exitUsage, "no such backup file"},
		{" ", exitUsage, "is empty"},
		{filepath.Join(h.root, "a\nb"), exitUsage, "no such backup file"},
		{filepath.Join(h.root, "\x1b[31mred"), exitUsage, `\x1b[31mred: no such backup file`},
		{"\xff\xfe", exitUsage, `\xff\xfe: no such backup file`},
		{h.dir, exitUsage, "is not a backup file"},
		{h.fifo, exitUsage, "is not a backup file"},
		{"/dev/zero", exitUsage, "is not a backup file"},
		{"/dev/null", exitUsage, "is not a backup file"},
		{h.pw, exitDamaged, "is neither a v2 blob nor a ZIP container"},
		{h.loop, exitFailure, "too many levels of symbolic links"},
		{h.long, exitFailure, "file name too long"},
	} {
		add(f.code, f.want, "verify", f.arg)
		add(f.code, f.want, "inspect", f.arg)
		add(f.code, f.want, "restore", f.arg, "--to", filepath.Join(h.out, "r"), "--password-file", h.pw)
	}
	add(exitUsage, "a backup FILE given to send is empty", "send", h.backup, "", "--dest", "folder:"+h.out)
	add(exitUsage, "a backup FILE given to send is empty", "send", " ", "--dest", "folder:"+h.out)
	for _, args := range [][]string{{"verify", "--"}, {"inspect", "--"}, {"verify", h.backup, h.backup}} {
		add(exitUsage, "takes one backup FILE", args...)
	}

	// Password files.
	for _, f := range []struct {
		arg  string
		code int
		want string
	}{
		{"", exitUsage, "password-file is empty: give a file name"},
		{"-", exitUsage, "-: no such file or directory"},
		{" ", exitUsage, "password-file is empty: give a file name"},
		{filepath.Join(h.root, "nonexistent"), exitUsage, "nonexistent: no such file or directory"},
		{h.loop, exitUsage, "loop1: too many levels of symbolic links"},
		{h.long, exitUsage, "file name too long"},
		{h.emptyPw, exitUsage, "the first line is empty"},
		{h.newlinePw, exitUsage, "the first line is empty"},
		{h.bigPw, exitUsage, "no line end within the first 4096 bytes"},
		{h.widePw, exitUsage, "mode is 0644, want 0600 or 0400"},
		{h.dir, exitUsage, "is a folder"},
		{"/dev/zero", exitUsage, "no line end"},
		{"/dev/null", exitUsage, "the first line is empty"},
	} {
		add(f.code, f.want, "verify", h.backup, "--password-file", f.arg)
		add(f.code, f.want, append(create, "--password-file", f.arg)...)
		add(f.code, f.want, "proton", "login", "--proton-user", "u", "--proton-password-file", f.arg)
	}

	// An empty FILE or DIR flag (an unset "$CFG" in a script) is refused,
	// where it was taken as not given: the default config, no settings.
	add(exitUsage, "--config is empty: give a file name", "schedule", "list", "--config", "")
	add(exitUsage, "--config is empty: give a file name", "schedule", "add", "j", "--source", sampleWallets, "--every", "24h", "--config", " ")
	add(exitUsage, "--config is empty: give a file name", "ls", "--config", "")
	add(exitUsage, "--settings is empty: give a file name", append(create, "--settings", "")...)
	add(exitUsage, "--password-out is empty: give a file name", "create", "--source", sampleWallets, "--dest", "folder:"+h.out, "--password-out", "")
	add(exitUsage, "--to is empty: give a folder name", "restore", h.backup, "--to", "", "--password-file", h.pw)

	// Settings files.
	for _, f := range []struct {
		arg, want string
	}{
		{h.dir, "(a folder)"},
		{h.fifo, "(not a regular file)"},
		{"/dev/zero", "(not a regular file)"},
		{"/dev/null", "(not a regular file)"},
		{h.pw, "is not the app's settings JSON"},
		{h.loop, "loop1: too many levels of symbolic links"},
		{h.long, "file name too long"},
		{filepath.Join(h.root, "missing.json"), "missing.json: no such file or directory"},
	} {
		add(exitUsage, f.want, append(create, "--password-file", h.pw, "--settings", f.arg)...)
		add(exitUsage, f.want, append(job, "--every", "1h", "--settings", f.arg)...)
	}

	// --password-out: never over a file, nor in a folder that is not there.
	for _, f := range []struct {
		arg, want string
	}{
		{h.pw, "already exists; it is never overwritten"},
		{h.fifo, "already exists; it is never overwritten"},
		{h.dir, "already exists; it is never overwritten"},
		{h.loop, "already exists; it is never overwritten"},
		{"/dev/null", "already exists; it is never overwritten"},
		{filepath.Join(h.root, "nodir", "pw"), "no such file or directory"},
		{filepath.Join(h.pw, "pw"), "not a directory"},
	} {
		want := "--password-out " + f.arg + " " + f.want
		if !strings.HasPrefix(f.want, "already") {
			want = "--password-out " + f.arg + ": " + f.want
		}
		add(exitUsage, want, append(create, "--password-out", f.arg)...)
	}

	// Passwords on standard input.
	for _, in := range []struct {
		stdin, want string
	}{
		{"", "password from standard input: the first line is empty"},
		{"\n", "password from standard input: the first line is empty"},
		{"\r\nsecond line", "password from standard input: the first line is empty"},
		{strings.Repeat("\x00", 100000), "password from standard input: no line end within the first 4096 bytes"},
	} {
		for _, args := range [][]string{
			{"verify", h.backup, "--password-stdin"},
			{"restore", h.backup, "--to", filepath.Join(h.out, "r"), "--password-stdin"},
			append(create, "--password-stdin"),
		} {
			tests = append(tests, hostileCase{args: args, stdin: in.stdin, code: exitUsage, want: in.want})
		}
	}

	// Sizes and numbers.
	for _, v := range []string{"0", "-1", "1e30", "10XB", " ", "nan", "NaNG", "inf", "0.1"} {
		add(exitUsage, "--max-size", "verify", h.backup, "--password-file", h.pw, "--max-size", v)
		add(exitUsage, "--max-size", "restore", h.backup, "--to", filepath.Join(h.out, "r"), "--password-file", h.pw, "--max-size", v)
	}
	for _, v := range []string{"0/0", "5/3", "101%", "nan%", "-1", "10XB", "nan", "0.1"} {
		add(exitUsage, "--read-data-subset", "check", "--read-data-subset", v, "folder:"+h.dir)
	}

	for _, f := range []struct {
		flag, value, want string
	}{
		{"--keep-last", "x", `--keep-last: "x" is not a whole number`},
		{"--keep-daily", "", `--keep-daily: "" is not a whole number`},
		{"--keep-weekly", "1e3", `--keep-weekly: "1e3" is not a whole number`},
		{"--keep-monthly", "99999999999999999999", `--keep-monthly: "99999999999999999999" is too large a number`},
		{"--settle", "1 fortnight", `--settle: "1 fortnight" is not a length of time`},
		{"--poll", "", `--poll: "" is not a length of time`},
		{"--once", "maybe", `--once: "maybe" is not true or false`},
	} {
		add(exitUsage, f.want, "watch", h.dir, "--dest", "folder:"+h.out, f.flag+"="+f.value)
	}
	// A count below zero pruned every copy watch shipped, the one it had
	// just verified too; a length below zero stood for the default.
	exports := filepath.Join(h.root, "exports")
	if err := os.Mkdir(exports, 0o700); err != nil {
		t.Fatal(err)
	}
	copyFile(t, h.backup, filepath.Join(exports, filepath.Base(h.backup)))
	for _, f := range []struct {
		flag, value, want string
	}{
		{"--keep-last", "-1", "cakebackup: --keep-last: -1 is negative: give how many backups to keep"},
		{"--keep-daily", "-3", "cakebackup: --keep-daily: -3 is negative"},
		{"--keep-weekly", "-1", "cakebackup: --keep-weekly: -1 is negative"},
		{"--keep-monthly", "-1", "cakebackup: --keep-monthly: -1 is negative"},
		{"--settle", "-1s", "cakebackup: --settle: -1s is negative"},
		{"--poll", "-5m", "cakebackup: --poll: -5m0s is negative"},
	} {
		add(exitUsage, f.want, "watch", exports, "--once", "--settle", "1ms", "--dest", "folder:"+h.out, f.flag, f.value)
	}
	add(exitUsage, `--keep-last: "-" is not a whole number`, "schedule", "run", "--keep-last", "-")
	add(exitUsage, `--json: "\n" is not true or false`, "verify", h.backup, "--json=\n")

	// Schedules.
	for _, f := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--every", "0"}, "shorter than"},
		{[]string{"--every", "-5m"}, "shorter than"},
		{[]string{"--every", "1 fortnight"}, "want a duration"},
		{[]string{"--cron", "* * *"}, "cron"},
		{[]string{"--every", "1h", "--keep-last", "-1"}, "negative"},
		{[]string{"--every", "1h", "--warn-after", "-1h"}, "warn_after"},
		{[]string{"--every", "1h", "--ping-url", "ftp://x"}, "http"},
	} {
		add(exitUsage, f.want, append(job, f.flags...)...)
	}
	for _, name := range []string{"", " ", "a\nb", strings.Repeat("j", 5000), "\xff"} {
		for _, sub := range []string{"remove", "prune", "install", "uninstall", "set-password"} {
			add(exitUsage, "job name", "schedule", sub, name)
		}
		add(exitUsage, "job name", "notify", "test", name)
	}

	// Destinations.
	for _, d := range []struct {
		spec string
		code int
		want string
	}{
		{"folder:", exitUsage, "no folder given"},
		{"proton:", exitUsage, "must start with /"},
		{"proton:/../x", exitUsage, `".." is not allowed`},
		{"downloads:extra", exitUsage, "downloads takes no argument"},
		{"FOLDER:" + h.out, exitUsage, `did you mean "folder"?`},
		{"-", exitUsage, "want downloads"},
		{" ", exitUsage, "empty destination"},
		{"folder:" + filepath.Join(h.root, "\x1b]0;title\a"), exitFailure, `\x1b]0;title\a does not exist`},
		{"usb:", exitFailure, "no removable drive"},
		{"folder:" + h.pw, exitUsage, "is not a folder"},
		{"folder:" + h.fifo, exitUsage, "is not a folder"},
		{"folder:/dev/null", exitUsage, "is not a folder"},
		{"folder:" + h.loop, exitFailure, "too many levels of symbolic links"},
	} {
		add(d.code, d.want, append([]string{"create", "--source", sampleWallets, "--password-file", h.pw}, "--dest", d.spec)...)
		add(d.code, d.want, "send", h.backup, "--dest", d.spec)
		add(d.code, d.want, "ls", d.spec)
		add(d.code, d.want, "check", d.spec)
	}
	add(exitUsage, "empty destination", "create", "--source", sampleWallets, "--password-file", h.pw, "--dest", "")
	add(exitUsage, "empty destination", "send", h.backup, "--dest", "")
	add(exitUsage, "empty destination", "ls", "")
	add(exitUsage, "empty destination", "check", "")

	// Config files.
	for _, f := range []struct {
		path, want string
	}{
		{h.badTOML, "bad.toml:1: "},
		{h.unknownTOML, "bogus_key: unknown field"},
		{h.emptyJobTOML, "name: missing"},
		{"-", "-:"},
		{h.dir, "a folder, not a config file"},
		{h.fifo, "not a regular file, so not a config file"},
		{"/dev/zero", "not a regular file, so not a config file"},
		{"/dev/null", "not a regular file, so not a config file"},
		{h.loop, "loop1: too many levels of symbolic links"},
		{h.long, "file name too long"},
	} {
		for _, args := range [][]string{
			{"ls"},
			{"create", "--source", sampleWallets, "--password-file", h.pw},
			{"send", h.backup},
			{"schedule", "list"},
			{"schedule", "status"},
			{"schedule", "run", "--once"},
			{"schedule", "prune", "j"},
			{"notify", "test", "j"},
		} {
			add(exitUsage, f.want, append(args, "--config", f.path)...)
		}
		if f.path != "-" { // not there: an empty config to save into
			add(exitUsage, f.want, "pick", "--save-default", "--config", f.path)
			add(exitUsage, f.want, "pick", "--save-to-job", "j", "--config", f.path)
		}
		if f.path != "-" && f.path != "/dev/null" && f.path != "/dev/zero" { // "-" is a new file here; and never a config saved over a device, should this regress
			add(exitUsage, f.want, "schedule", "add", "j", "--config", f.path, "--source", sampleWallets, "--dest", "folder:"+h.out, "--password-file", h.pw, "--every", "1h")
		}
	}

	// Commands and arguments that are none.
	for _, args := range [][]string{
		{"backup-everything"}, {"schedule", "bogus"}, {"proton", "bogus"}, {"notify", "bogus"},
		{"help", "nosuch"}, {"completion", "ksh"}, {"completion"}, {"man", "extra"}, {"version", "x"},
		{"dests", "x"}, {"proton", "whoami", "x"}, {"proton", "logout", "x"}, {"pick", "x"},
		{"-q", "--verbose", "version"}, {"create", "--sauce", "x"},
	} {
		add(exitUsage, "", args...)
	}

	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q<%.8q", tc.args, tc.stdin), func(t *testing.T) { h.runHostile(t, tc) })
	}
}

// TestHostileInputJSON: given --json, a command that fails on a bad value
// prints one JSON object with the error and the exit code on stdout.
func TestHostileInputJSON(t *testing.T) {
	t.Parallel()
	h := newHostileTree(t)
	for _, tc := range []hostileCase{
		{args: []string{"verify", h.fifo}, code: exitUsage},
		{args: []string{"inspect", h.dir}, code: exitUsage},
		{args: []string{"restore", "/dev/zero", "--to", filepath.Join(h.out, "r"), "--password-file", h.pw}, code: exitUsage},
		{args: []string{"verify", h.backup, "--password-file", h.bigPw}, code: exitUsage},
		{args: []string{"create", "--source", sampleWallets, "--dest", "proton:/../x", "--password-file", h.pw}, code: exitUsage},
		{args: []string{"ls", "folder:"}, code: exitUsage},
		{args: []string{"check", "--read-data-subset", "10XB", "folder:" + h.dir}, code: exitUsage},
		{args: []string{"schedule", "list", "--config", h.badTOML}, code: exitUsage},
		{args: []string{"schedule", "status", "--config", h.unknownTOML}, code: exitUsage},
	} {
		t.Run(fmt.Sprintf("%q", tc.args), func(t *testing.T) {
			c := h.cli(t)
			code := c.run(append(tc.args, "--json")...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, c.stderr.String())
			}
			checkErrorLine(t, c.stderr.String(), "")
			var got map[string]any
			dec := json.NewDecoder(&c.stdout)
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("stdout %q is not a JSON object: %v", c.stdout.String(), err)
			}
			if dec.More() {
				t.Errorf("stdout holds more than one JSON value")
			}
			want := strings.TrimSuffix(strings.TrimPrefix(c.stderr.String(), "cakebackup: "), "\n")
			if got["error"] != want || got["exit_code"] != float64(tc.code) || len(got) != 2 {
				t.Errorf("JSON %v, want error %q and exit_code %d alone", got, want, tc.code)
			}
		})
	}
}
