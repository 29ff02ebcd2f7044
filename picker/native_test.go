package picker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeProgram writes an executable shell script called name into a new
// folder and returns the folder. The script records its arguments, one
// per line, in the file "args" next to it, then runs body.
func fakeProgram(t *testing.T, name, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake dialogs are shell scripts")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > '" + filepath.Join(dir, "args") + "'\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readArgs(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatalf("the dialog was not run: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestPickFindNativeDialog(t *testing.T) {
	zenityDir := fakeProgram(t, "zenity", "exit 0")
	kdialogDir := fakeProgram(t, "kdialog", "exit 0")
	both := zenityDir + string(os.PathListSeparator) + kdialogDir
	notExec := t.TempDir()
	if err := os.WriteFile(filepath.Join(notExec, "zenity"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		goos     string
		env      map[string]string
		wantKind string
		wantDir  string
	}{
		{"x11 zenity", "linux", map[string]string{"DISPLAY": ":0", "PATH": both}, "zenity", zenityDir},
		{"wayland zenity", "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0", "PATH": both}, "zenity", zenityDir},
		{"kde prefers kdialog", "linux", map[string]string{"DISPLAY": ":0", "XDG_CURRENT_DESKTOP": "KDE", "PATH": both}, "kdialog", kdialogDir},
		{"only kdialog", "freebsd", map[string]string{"DISPLAY": ":0", "PATH": kdialogDir}, "kdialog", kdialogDir},
		{"no display", "linux", map[string]string{"PATH": both}, "", ""},
		{"no program", "linux", map[string]string{"DISPLAY": ":0", "PATH": t.TempDir()}, "", ""},
		{"not executable", "linux", map[string]string{"DISPLAY": ":0", "PATH": notExec}, "", ""},
		{"relative PATH entry ignored", "linux", map[string]string{"DISPLAY": ":0", "PATH": "." + string(os.PathListSeparator) + "bin"}, "", ""},
		{"macOS over ssh", "darwin", map[string]string{"SSH_CONNECTION": "1 2 3 4", "PATH": "/usr/bin"}, "", ""},
		{"windows over ssh", "windows", map[string]string{"SSH_TTY": "/dev/pts/0", "PATH": both}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := FindNativeDialog(tc.goos, envOf(tc.env))
			if ok != (tc.wantKind != "") || d.Kind != tc.wantKind {
				t.Fatalf("FindNativeDialog = %+v, %v; want kind %q", d, ok, tc.wantKind)
			}
			if ok && d.Program != filepath.Join(tc.wantDir, tc.wantKind) {
				t.Errorf("program = %s", d.Program)
			}
		})
	}
}

func TestPickNativeDialogChoose(t *testing.T) {
	chosen := t.TempDir()
	start := filepath.Join(t.TempDir(), "Downloads")
	file := filepath.Join(chosen, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		kind     string
		body     string
		wantArgs []string
		want     string
		wantErr  error  // errors.Is target
		errText  string // substring of the error
	}{
		{"zenity picks", "zenity", "echo '" + chosen + "'",
			[]string{"--file-selection", "--directory", "--title=Pick", "--filename=" + start + "/"}, chosen, nil, ""},
		{"kdialog picks", "kdialog", "echo '" + chosen + "/'",
			[]string{"--title", "Pick", "--getexistingdirectory", start}, chosen, nil, ""},
		{"zenity cancel", "zenity", "exit 1", nil, "", ErrNoDestination, "no destination chosen"},
		{"zenity timeout", "zenity", "exit 5", nil, "", ErrNoDestination, ""},
		{"kdialog cancel", "kdialog", "exit 1", nil, "", ErrNoDestination, ""},
		{"zenity fails", "zenity", "echo '(zenity:1): Gtk-WARNING **: cannot open display: :9' >&2; exit 255", nil, "", nil, "cannot open display"},
		{"nothing printed", "zenity", "exit 0", nil, "", ErrNoDestination, "returned nothing"},
		{"relative path", "zenity", "echo relative/dir", nil, "", nil, "not an absolute path"},
		{"a file", "zenity", "echo '" + file + "'", nil, "", nil, "is not a folder"},
		{"vanished folder", "zenity", "echo '" + chosen + "/gone'", nil, "", os.ErrNotExist, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := fakeProgram(t, tc.kind, tc.body)
			d := NativeDialog{Kind: tc.kind, Program: filepath.Join(dir, tc.kind)}
			got, err := d.Choose(context.Background(), start, "Pick")
			if tc.wantErr == nil && tc.errText == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				if err == nil {
					t.Fatalf("Choose = %q, want an error", got)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("err = %v, want %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.errText) || strings.Contains(err.Error(), "\n") {
					t.Errorf("err = %q, want one line containing %q", err, tc.errText)
				}
			}
			if got != tc.want {
				t.Errorf("Choose = %q, want %q", got, tc.want)
			}
			if tc.wantArgs != nil {
				if args := readArgs(t, dir); strings.Join(args, "\x00") != strings.Join(tc.wantArgs, "\x00") {
					t.Errorf("args = %q, want %q", args, tc.wantArgs)
				}
			}
		})
	}
}

// The start folder reaches osascript and PowerShell through the
// environment, never inside script text, so no path can break the script.
func TestPickNativeDialogStartFolderViaEnvironment(t *testing.T) {
	start := t.TempDir() + `/it's "odd"`
	if err := os.Mkdir(start, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"osascript", "powershell"} {
		t.Run(kind, func(t *testing.T) {
			dir := fakeProgram(t, kind, `printf '%s\n' "$`+startEnv+`"`)
			d := NativeDialog{Kind: kind, Program: filepath.Join(dir, kind)}
			got, err := d.Choose(context.Background(), start, "Pick")
			if err != nil {
				t.Fatal(err)
			}
			if got != start {
				t.Errorf("dialog saw start %q, want %q", got, start)
			}
			for _, a := range readArgs(t, dir) {
				if strings.Contains(a, start) {
					t.Errorf("start folder spliced into argument %q", a)
				}
			}
		})
	}
}

func TestPickNativeDialogOsascriptCancel(t *testing.T) {
	tests := []struct {
		body   string
		cancel bool
	}{
		{"echo '0:90: execution error: User canceled. (-128)' >&2; exit 1", true},
		{"echo '0:90: execution error: Not authorized (-1743)' >&2; exit 1", false},
	}
	for _, tc := range tests {
		dir := fakeProgram(t, "osascript", tc.body)
		_, err := NativeDialog{Kind: "osascript", Program: filepath.Join(dir, "osascript")}.Choose(context.Background(), "/", "Pick")
		if errors.Is(err, ErrNoDestination) != tc.cancel {
			t.Errorf("%s: err = %v, cancel = %v", tc.body, err, tc.cancel)
		}
	}
}

func TestPickNativeDialogEndsWithContext(t *testing.T) {
	dir := fakeProgram(t, "zenity", "exec sleep 30")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := NativeDialog{Kind: "zenity", Program: filepath.Join(dir, "zenity")}.Choose(ctx, "/", "Pick")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

// TestPickNativeDialogGetsNoSecrets: a password cakebackup was given in
// its environment does not reach the chooser, another program.
func TestPickNativeDialogGetsNoSecrets(t *testing.T) {
	start := t.TempDir()
	t.Setenv("CAKEBACKUP_PASSWORD", "backup secret")
	t.Setenv("CAKEBACKUP_PROTON_PASSWORD", "proton secret")
	dir := fakeProgram(t, "zenity", `env > "$(dirname "$0")/env"; printf '%s\n' "`+start+`"`)
	d := NativeDialog{Kind: "zenity", Program: filepath.Join(dir, "zenity")}
	if _, err := d.Choose(context.Background(), start, "Pick"); err != nil {
		t.Fatal(err)
	}
	env, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	// The values themselves: "secret" alone is in any path that holds it,
	// such as a checkout's.
	if strings.Contains(string(env), "backup secret") || strings.Contains(string(env), "proton secret") || !strings.Contains(string(env), "PATH=") {
		t.Fatalf("the chooser's environment:\n%s", env)
	}
}
