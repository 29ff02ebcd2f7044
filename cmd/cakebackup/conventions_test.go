package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/local"
)

func TestVersionNamesGoAndPlatform(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	want := "cakebackup " + version + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"--version"}, {"version"}, {"verify", "--version"}} {
		if out := c.mustRun(args...); out != want {
			t.Errorf("%v printed %q, want %q", args, out, want)
		}
	}
	if code := c.run("-v"); code != exitUsage {
		t.Errorf("-v: exit %d, want %d (it no longer means version)", code, exitUsage)
	}
	if out := c.mustRun("version", "--json"); !strings.Contains(out, `"go_version": "`+runtime.Version()+`"`) {
		t.Errorf("version --json printed %q", out)
	}
}

func TestHelpCommand(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	out := c.mustRun("help")
	for _, cmd := range []string{"create", "verify", "restore", "completion", "man", "version", "--quiet", "--verbose"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("help does not mention %s:\n%s", cmd, out)
		}
	}
	if out := c.mustRun("help", "restore"); !strings.Contains(out, "--to") {
		t.Errorf("help restore does not show --to:\n%s", out)
	}
	if out := c.mustRun("help", "schedule", "add"); !strings.Contains(out, "--every") {
		t.Errorf("help schedule add does not show --every:\n%s", out)
	}
	// A command with subcommands lists them all.
	for _, tt := range []struct {
		cmd  string
		subs []string
	}{
		{"schedule", []string{"add", "list", "remove", "set-password", "run", "prune", "install", "uninstall", "status"}},
		{"proton", []string{"login", "logout", "whoami"}},
	} {
		out := c.mustRun("help", tt.cmd)
		if !strings.Contains(out, "COMMANDS:") {
			t.Errorf("help %s lists no commands:\n%s", tt.cmd, out)
		}
		for _, sub := range tt.subs {
			if !strings.Contains(out, "\n   "+sub+" ") {
				t.Errorf("help %s does not list %s:\n%s", tt.cmd, sub, out)
			}
		}
	}
	if code := c.run("help", "restroe"); code != exitUsage || !strings.Contains(c.stderr.String(), `did you mean "restore"`) {
		t.Errorf("help restroe: exit %d, stderr %q", code, c.stderr.String())
	}
	// --help and -h show what help does, and succeed.
	for _, args := range [][]string{{"--help"}, {"-h"}, {"--quiet", "--help"}} {
		if code := c.run(args...); code != exitOK || c.stdout.String() != out || c.stderr.Len() != 0 {
			t.Errorf("%s: exit %d, stderr %q, stdout the same as help's: %v", args, code, c.stderr.String(), c.stdout.String() == out)
		}
	}
}

// TestBashCompletion loads the script into a real bash and asks it to
// complete, as the shell does on Tab, with the real binary on PATH.
func TestBashCompletion(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("no bash")
	}
	c := newCLI(t)
	script := filepath.Join(t.TempDir(), "cakebackup.bash")
	if err := os.WriteFile(script, []byte(c.mustRun("completion", "bash")), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := programPath(t)
	complete := func(words ...string) string {
		t.Helper()
		cmd := exec.Command(bash, "--norc", "-c", `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($#-1)); _cakebackup; echo "${COMPREPLY[*]}"`, "_", script)
		cmd.Args = append(cmd.Args, words...)
		cmd.Env = []string{"PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH"), "HOME=" + c.vars["HOME"]}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := complete("cakebackup", "cr"); got != "create" {
		t.Errorf("completing \"cr\" gave %q, want create", got)
	}
	if got := complete("cakebackup", "restore", "--t"); got != "--to" {
		t.Errorf("completing \"restore --t\" gave %q, want --to", got)
	}
	// A Tab after "--" lists words and runs nothing: asked with a "--",
	// cakebackup would run the command (here: send the backup).
	file, _ := sampleBackup(t)
	out := t.TempDir()
	for _, words := range [][]string{
		{"cakebackup", "send", file, "--dest", "folder:" + out, "--"},
		{"cakebackup", "send", "--dest", "folder:" + out, "--", file, ""},
	} {
		got := complete(words...)
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Fatalf("completing %q sent the backup: %s holds %v", words, out, entries)
		}
		if want := words[len(words)-1] == "--"; want != strings.Contains(got, "--json") || strings.Contains(got, "NOT") {
			t.Errorf("completing %q gave %q", words, got)
		}
	}
}

// TestZshCompletionAfterDashDash runs the zsh script's function in a real
// zsh, with the completion system's functions stood in for: a Tab after
// "--" must list words, never run the command.
func TestZshCompletionAfterDashDash(t *testing.T) {
	t.Parallel()
	zsh, err := exec.LookPath("zsh")
	if err != nil || runtime.GOOS == "windows" {
		t.Skip("no zsh (Debian package zsh)")
	}
	c := newCLI(t)
	script := filepath.Join(t.TempDir(), "cakebackup.zsh")
	if err := os.WriteFile(script, []byte(c.mustRun("completion", "zsh")), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := programPath(t)
	file, _ := sampleBackup(t)
	out := t.TempDir()
	for _, words := range [][]string{
		{"cakebackup", "send", file, "--dest", "folder:" + out, "--"},
		{"cakebackup", "send", "--dest", "folder:" + out, "--", file, ""},
	} {
		cmd := exec.Command(zsh, "-f", "-c", `compdef() {}; _describe() { print -r -- "${opts[@]}" }; _files() { print -r -- FILES }; source "$1"; shift; words=("$@"); _cakebackup`, "_", script)
		cmd.Args = append(cmd.Args, words...)
		cmd.Env = []string{"PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH"), "HOME=" + c.vars["HOME"]}
		got, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("zsh: %v\n%s", err, got)
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Fatalf("completing %q sent the backup: %s holds %v", words, out, entries)
		}
		want := "FILES"
		if words[len(words)-1] == "--" {
			want = "--json"
		}
		if !strings.Contains(string(got), want) || strings.Contains(string(got), "NOT") {
			t.Errorf("completing %q gave %q, want %s", words, got, want)
		}
	}
}

func TestZshAndFishCompletion(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if out := c.mustRun("completion", "zsh"); !strings.Contains(out, "compdef _cakebackup cakebackup") {
		t.Errorf("zsh script: %q", out)
	}
	out := c.mustRun("completion", "fish")
	for _, want := range []string{"complete -c cakebackup", "create", "password-file"} {
		if !strings.Contains(out, want) {
			t.Errorf("fish script lacks %q", want)
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}} {
		if code := c.run(args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if c.run("completion", "bsh"); !strings.Contains(c.stderr.String(), `did you mean "bash"`) {
		t.Errorf("completion bsh: %q", c.stderr.String())
	}
}

// TestManPage renders the generated page with the system's roff.
func TestManPage(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	page := c.mustRun("man")
	if !strings.Contains(page, ".TH cakebackup 1") {
		t.Fatalf("not a man page: %.200q", page)
	}
	nroff, err := exec.LookPath("nroff")
	if err != nil {
		t.Skip("no nroff to render the page")
	}
	cmd := exec.Command(nroff, "-man", "-ww")
	cmd.Stdin = strings.NewReader(page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("nroff: %v; %s", err, stderr.String())
	}
	out = regexp.MustCompile(`.\x08`).ReplaceAll(out, nil) // bold and underline overstrikes
	for _, want := range []string{"create", "password-file", "restore", "completion"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
	// The two kinds of backup and the exit codes, as README words them.
	text := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []string{
		"DESCRIPTION", "Only a backup the app exported can go back into the app",
		"restores with cakebackup restore only: the app cannot import it",
		"EXIT STATUS", "3 wrong password", "4 damaged file, or not a backup", "130 interrupted",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered page lacks %q:\n%s", want, text)
		}
	}
}

func TestQuietAndVerbose(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	data, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	c.vars[local.CakeWalletDirEnv] = data
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	dir := t.TempDir()
	c.mustRun("create", "--dest", "folder:"+dir, "--password-file", pwFile, "--name", "one")
	if !strings.Contains(c.stderr.String(), "Backing up Cake Wallet's data folder") {
		t.Errorf("no note of the source folder: %q", c.stderr.String())
	}
	c.mustRun("create", "--dest", "folder:"+dir, "--password-file", pwFile, "--name", "two", "-q")
	if c.stderr.Len() != 0 {
		t.Errorf("create -q wrote to stderr: %q", c.stderr.String())
	}
	c.mustRun("--quiet", "create", "--dest", "folder:"+dir, "--password-file", pwFile, "--name", "three")
	if c.stderr.Len() != 0 {
		t.Errorf("--quiet create wrote to stderr: %q", c.stderr.String())
	}

	file := filepath.Join(dir, "one")
	c.mustRun("verify", file)
	if c.stderr.Len() != 0 {
		t.Errorf("verify wrote to stderr: %q", c.stderr.String())
	}
	c.mustRun("verify", file, "--verbose")
	if !strings.Contains(c.stderr.String(), "format version 3, 1 chunk,") {
		t.Errorf("verify --verbose gave no details: %q", c.stderr.String())
	}
	if code := c.run("verify", file, "-q", "--verbose"); code != exitUsage {
		t.Errorf("-q --verbose: exit %d, want %d", code, exitUsage)
	}
}

// TestCommandsWithoutArgumentsRefuseThem: every command whose usage names
// no argument refuses one with the usage exit code and one line, before
// doing anything, rather than ignoring it (`schedule status daily` would
// otherwise show every job, and fail on another job's failure).
func TestCommandsWithoutArgumentsRefuseThem(t *testing.T) {
	t.Parallel()
	var leaves [][]string
	var walk func(path []string, cmds []*cli.Command)
	walk = func(path []string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			p := append(slices.Clone(path), cmd.Name)
			if len(cmd.Subcommands) > 0 {
				walk(p, cmd.Subcommands)
				continue
			}
			if strings.TrimSpace(cmd.ArgsUsage) == "" {
				leaves = append(leaves, p)
			}
		}
	}
	walk(nil, newApp(&env{getenv: func(string) string { return "" }}).Commands)
	if len(leaves) < 5 {
		t.Fatalf("found only %v", leaves)
	}
	for _, path := range leaves {
		t.Run(strings.Join(path, " "), func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			c.stdin = ""
			code := c.run(append(path, "stray-argument")...)
			stderr := c.stderr.String()
			if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "stray-argument") {
				t.Errorf("exit %d, stderr %q; want exit %d and one line naming the argument", code, stderr, exitUsage)
			}
		})
	}
}
