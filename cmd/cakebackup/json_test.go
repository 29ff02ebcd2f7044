package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/internal/stdout"
)

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// checkKeys fails unless v (decoded JSON) is an object whose keys, at
// every depth, are lower-case snake_case.
func checkKeys(t *testing.T, what string, v any) {
	t.Helper()
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, inner := range v {
				if !snakeCase.MatchString(k) {
					t.Errorf("%s: key %s%q is not snake_case", what, path, k)
				}
				walk(path+k+".", inner)
			}
		case []any:
			for _, inner := range v {
				walk(path, inner)
			}
		}
	}
	if _, ok := v.(map[string]any); !ok {
		t.Errorf("%s: top level is %T, want one object", what, v)
	}
	walk("", v)
}

// TestJSONOneStyle runs every command that has --json and checks that
// each prints one object with snake_case keys.
func TestJSONOneStyle(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	cfg := filepath.Join(t.TempDir(), "config.toml")
	c.mustRun("schedule", "add", "--config", cfg, "--source", sampleWallets, "--dest", "folder:"+filepath.Dir(file), "--every", "24h", "--password-file", pwFile, "daily")
	// Its keys are checked below too, from the same run.
	inspectWithPassword := []string{"inspect", file, "--password-file", pwFile}
	commands := [][]string{
		{"create", "--source", sampleWallets, "--dest", "folder:" + t.TempDir(), "--password-file", pwFile},
		{"create", "--source", sampleWallets, "--dest", "folder:" + t.TempDir()}, // generated password
		{"verify", file},
		{"verify", file, "--password-file", pwFile},
		{"inspect", file},
		inspectWithPassword,
		{"restore", file, "--to", filepath.Join(t.TempDir(), "r"), "--password-file", pwFile},
		{"ls", "folder:" + filepath.Dir(file)},
		{"dests"},
		{"version"},
		{"schedule", "list", "--config", cfg},
		{"schedule", "status", "--config", cfg},
	}
	var info map[string]any // what inspectWithPassword printed
	for _, args := range commands {
		out := c.mustRun(append(args, "--json")...)
		var v any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("%v --json printed %q: %v", args, out, err)
			continue
		}
		checkKeys(t, strings.Join(args[:1], " "), v)
		if slices.Equal(args, inspectWithPassword) {
			info, _ = v.(map[string]any)
		}
	}
	for _, k := range []string{"version", "plain_size", "for_app", "wallets", "files"} {
		if _, ok := info[k]; !ok {
			t.Errorf("inspect --json has no %q: %v", k, info)
		}
	}
}

// TestJSONFailure: a failing command given --json still prints one JSON
// object on stdout, with the error and the exit code, and one line on
// stderr.
func TestJSONFailure(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, _ := sampleBackup(t)
	wrong := writePasswordFile(t, "not the password at all, sorry 1")
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"verify", "/nonexistent/backup", "--json"}, exitUsage},
		{[]string{"restore", file, "--to", filepath.Join(t.TempDir(), "r"), "--password-file", wrong, "--json"}, exitWrongPassword},
		{[]string{"ls", "downlaods", "--json"}, exitUsage},
		{[]string{"inspect", "--json", "--bogus", file}, exitUsage},
	}
	for _, tt := range tests {
		code := c.run(tt.args...)
		var got stdout.Failure
		if err := json.Unmarshal(c.stdout.Bytes(), &got); err != nil {
			t.Errorf("%v: stdout %q is not JSON: %v", tt.args, c.stdout.String(), err)
			continue
		}
		stderr := strings.TrimSuffix(c.stderr.String(), "\n")
		if code != tt.code || got.ExitCode != tt.code || got.Error == "" || stderr != "cakebackup: "+got.Error {
			t.Errorf("%v: exit %d, JSON %+v, stderr %q; want exit %d in both and the same message", tt.args, code, got, stderr, tt.code)
		}
	}
	if c.run("verify", "/nonexistent/backup"); c.stdout.Len() != 0 {
		t.Errorf("a failure without --json printed %q on stdout", c.stdout.String())
	}
}

// TestVerifyRestoreProgressOnTerminal: verify and restore show progress on
// a terminal's stderr, as create does; never elsewhere (the one-line
// error tests and TestQuietAndVerbose hold stderr to that).
func TestVerifyRestoreProgressOnTerminal(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("needs a Unix pseudo-terminal")
	}
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	if got := c.mustRunWithTerminalStderr("verify", file, "--password-file", pwFile); !strings.Contains(got, "Verifying") || !strings.Contains(got, "B/") {
		t.Errorf("verify showed no progress on the terminal: %q", got)
	}
	if got := c.mustRunWithTerminalStderr("restore", file, "--to", filepath.Join(t.TempDir(), "r"), "--password-file", pwFile); !strings.Contains(got, "Restoring") {
		t.Errorf("restore showed no progress on the terminal: %q", got)
	}
	if got := c.mustRunWithTerminalStderr("verify", file, "-q"); got != "" {
		t.Errorf("verify -q wrote %q on the terminal", got)
	}
}

// TestJSONEmptyListsAreArrays: a list with nothing in it is [], never
// null, so a script can iterate it (jq '.jobs[]') without a special case:
// schedule list with no config file yet, check of an empty folder, ls of
// one.
func TestJSONEmptyListsAreArrays(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	for _, tt := range []struct {
		args []string
		key  string
	}{
		// A new home: no config file yet.
		{[]string{"schedule", "list"}, "jobs"},
		{[]string{"schedule", "status"}, "jobs"},
		{[]string{"check", "folder:" + empty}, "backups"},
		{[]string{"ls", "folder:" + empty}, "backups"},
	} {
		c := newCLI(t)
		out := c.mustRun(append(tt.args, "--json")...)
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%v: %v in %s", tt.args, err, out)
		}
		if list, ok := v[tt.key].([]any); !ok || len(list) != 0 {
			t.Errorf("%v: %q is %#v, want []", tt.args, tt.key, v[tt.key])
		}
	}
}

// TestCreateJSONNamesTheStoredCopy: when the destination holds the name
// already, the backup is stored as NAME-2, and create --json says so in
// "name" too, not only in "location": a script that restores DEST/NAME
// would get the older backup.
func TestCreateJSONNamesTheStoredCopy(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	dir := t.TempDir()
	pwFile := writePasswordFile(t, "correct horse battery staple 42")
	args := []string{"create", "--source", sampleWallets, "--password-file", pwFile, "--dest", "folder:" + dir, "--name", "nightly", "--json"}
	for i, want := range []string{"nightly", "nightly-2"} {
		c.stdout.Reset()
		c.mustRun(args...)
		var got struct{ Name, Location string }
		if err := json.Unmarshal(c.stdout.Bytes(), &got); err != nil {
			t.Fatalf("run %d: %v: %s", i+1, err, c.stdout.String())
		}
		if got.Name != want || got.Location != filepath.Join(dir, want) {
			t.Errorf("run %d: name %q, location %q; want %q in %s", i+1, got.Name, got.Location, want, dir)
		}
	}
}
