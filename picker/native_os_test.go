package picker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPickNativeDialogOtherSystems runs the macOS and Windows choices of
// a chooser here: which program, found on which PATH, and when none.
func TestPickNativeDialogOtherSystems(t *testing.T) {
	mac := t.TempDir()
	if err := os.WriteFile(filepath.Join(mac, "osascript"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Windows has no executable bit: the .exe name is what counts.
	win := t.TempDir()
	if err := os.WriteFile(filepath.Join(win, "powershell.exe"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bare := t.TempDir()
	if err := os.WriteFile(filepath.Join(bare, "powershell"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	zenity := fakeProgram(t, "zenity", "exit 0")
	list := func(dirs ...string) string { return strings.Join(dirs, string(os.PathListSeparator)) }
	tests := []struct {
		name     string
		goos     string
		env      map[string]string
		wantKind string
		wantPath string
	}{
		{"macOS osascript, no DISPLAY needed", "darwin", map[string]string{"PATH": list(zenity, mac)}, "osascript", filepath.Join(mac, "osascript")},
		{"macOS ignores zenity", "darwin", map[string]string{"DISPLAY": ":0", "PATH": zenity}, "", ""},
		{"macOS over SSH_TTY", "darwin", map[string]string{"SSH_TTY": "/dev/ttys001", "PATH": mac}, "", ""},
		{"windows powershell.exe", "windows", map[string]string{"PATH": list(bare, win)}, "powershell", filepath.Join(win, "powershell.exe")},
		{"windows needs the .exe", "windows", map[string]string{"PATH": bare}, "", ""},
		{"windows ignores zenity", "windows", map[string]string{"DISPLAY": ":0", "PATH": zenity}, "", ""},
		{"windows over SSH_CONNECTION", "windows", map[string]string{"SSH_CONNECTION": "1 2 3 4", "PATH": win}, "", ""},
		{"linux does not run osascript", "linux", map[string]string{"DISPLAY": ":0", "PATH": list(mac, win)}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := FindNativeDialog(tc.goos, envOf(tc.env))
			if ok != (tc.wantKind != "") || d.Kind != tc.wantKind || d.Program != tc.wantPath {
				t.Fatalf("FindNativeDialog = %+v, %v; want kind %q at %q", d, ok, tc.wantKind, tc.wantPath)
			}
		})
	}
}

// TestPickNativeDialogScripts checks the AppleScript and PowerShell
// command lines: the title is quoted for each language, the start folder
// is read from the environment, never spliced in.
func TestPickNativeDialogScripts(t *testing.T) {
	title := `Pick "Ana's" \ folder`
	start := `C:\Users\it's "odd"`

	osa := NativeDialog{Kind: "osascript"}.args(start, title)
	wantOsa := []string{"-e", `POSIX path of (choose folder with prompt "Pick \"Ana's\" \\ folder" default location (POSIX file (system attribute "` + startEnv + `")))`}
	if strings.Join(osa, "\x00") != strings.Join(wantOsa, "\x00") {
		t.Errorf("osascript args =\n%q\nwant\n%q", osa, wantOsa)
	}

	ps := NativeDialog{Kind: "powershell"}.args(start, title)
	if len(ps) != 5 || strings.Join(ps[:4], " ") != "-NoProfile -NonInteractive -STA -Command" {
		t.Fatalf("powershell args = %q", ps)
	}
	script := ps[4]
	for _, want := range []string{
		`$d.Description = 'Pick "Ana''s" \ folder'` + "\n",
		"$d.SelectedPath = $env:" + startEnv + "\n",
		"[Console]::OutputEncoding = [Text.Encoding]::UTF8\n",
		"else { exit 1 }",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("powershell script lacks %q:\n%s", want, script)
		}
	}
	for _, a := range append(osa, ps...) {
		if strings.Contains(a, "odd") {
			t.Errorf("start folder spliced into %q", a)
		}
	}

	// Which exits mean "cancelled" on each system.
	for _, tc := range []struct {
		kind   string
		code   int
		stderr string
		cancel bool
	}{
		{"powershell", 1, "", true},
		{"powershell", 2, "", false},
		{"osascript", 1, "execution error: User canceled. (-128)", true},
		{"osascript", 1, "execution error: Not authorized to send Apple events (-1743)", false},
		{"osascript", 0, "", false},
	} {
		if got := (NativeDialog{Kind: tc.kind}).cancelled(tc.code, tc.stderr); got != tc.cancel {
			t.Errorf("%s exit %d %q: cancelled = %v, want %v", tc.kind, tc.code, tc.stderr, got, tc.cancel)
		}
	}
}
