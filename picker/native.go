package picker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/cakebackup/cakebackup/secret"
)

// NativeDialog is a desktop's own folder chooser, run as a child process:
// zenity (GTK) or kdialog (KDE) on Linux and the BSDs, AppleScript's
// "choose folder" on macOS, and the Windows folder browser through
// PowerShell. Nothing secret is ever passed to it.
type NativeDialog struct {
	// Kind is "zenity", "kdialog", "osascript" or "powershell".
	Kind string
	// Program is the path of the executable to run.
	Program string
}

// startEnv names the environment variable the osascript and PowerShell
// dialogs read their start folder from, so the path is never spliced into
// script text.
const startEnv = "CAKEBACKUP_PICK_START"

// FindNativeDialog returns the folder chooser of the desktop session this
// process runs in, for the operating system goos (runtime.GOOS), looking
// programs up on getenv("PATH"). It returns false when there is no desktop
// session (no DISPLAY or WAYLAND_DISPLAY on Unix, an SSH login on macOS or
// Windows) or no chooser program is installed. A nil getenv is an empty
// environment.
func FindNativeDialog(goos string, getenv func(string) string) (NativeDialog, bool) {
	getenv = envOrNone(getenv)
	path := getenv("PATH")
	var kinds []string
	switch goos {
	case "darwin":
		if overSSH(getenv) {
			return NativeDialog{}, false
		}
		kinds = []string{"osascript"}
	case "windows":
		if overSSH(getenv) {
			return NativeDialog{}, false
		}
		kinds = []string{"powershell"}
	default:
		if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
			return NativeDialog{}, false
		}
		kinds = []string{"zenity", "kdialog"}
		if strings.Contains(strings.ToUpper(getenv("XDG_CURRENT_DESKTOP")), "KDE") {
			kinds = []string{"kdialog", "zenity"}
		}
	}
	for _, k := range kinds {
		name := k
		if goos == "windows" {
			name += ".exe"
		}
		if p, ok := lookPath(name, path); ok {
			return NativeDialog{Kind: k, Program: p}, true
		}
	}
	return NativeDialog{}, false
}

func overSSH(getenv func(string) string) bool {
	return getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
}

// lookPath finds an executable called name in the directories of the
// PATH-style list path. Relative directories are skipped: a chooser is
// never run from the current folder.
func lookPath(name, path string) (string, bool) {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		p := filepath.Join(dir, name)
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if filepath.Ext(name) == ".exe" || fi.Mode().Perm()&0o111 != 0 {
			return p, true
		}
	}
	return "", false
}

// args returns the dialog's command-line arguments for a chooser titled
// title that opens in start.
func (d NativeDialog) args(start, title string) []string {
	switch d.Kind {
	case "zenity":
		return []string{"--file-selection", "--directory", "--title=" + title, "--filename=" + withTrailingSeparator(start)}
	case "kdialog":
		return []string{"--title", title, "--getexistingdirectory", start}
	case "osascript":
		return []string{"-e", fmt.Sprintf(
			`POSIX path of (choose folder with prompt %s default location (POSIX file (system attribute %q)))`,
			appleScriptString(title), startEnv)}
	case "powershell":
		return []string{"-NoProfile", "-NonInteractive", "-STA", "-Command", `
[Console]::OutputEncoding = [Text.Encoding]::UTF8
Add-Type -AssemblyName System.Windows.Forms
$d = New-Object System.Windows.Forms.FolderBrowserDialog
$d.Description = '` + strings.ReplaceAll(title, "'", "''") + `'
$d.ShowNewFolderButton = $true
$d.SelectedPath = $env:` + startEnv + `
if ($d.ShowDialog() -eq [System.Windows.Forms.DialogResult]::OK) { $d.SelectedPath } else { exit 1 }`}
	}
	return nil
}

func withTrailingSeparator(dir string) string {
	if strings.HasSuffix(dir, string(filepath.Separator)) {
		return dir
	}
	return dir + string(filepath.Separator)
}

func appleScriptString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// Choose shows the dialog, titled title and opened in the folder start,
// and returns the absolute path of the folder the person chose. It returns
// an error wrapping ErrNoDestination when they cancel.
func (d NativeDialog) Choose(ctx context.Context, start, title string) (string, error) {
	cmd := exec.CommandContext(ctx, d.Program, d.args(start, title)...)
	// The chooser is another program: it gets no secret cakebackup was
	// given through the environment.
	cmd.Env = append(secret.ScrubEnv(os.Environ()), startEnv+"="+start)
	// A dialog killed on cancellation may leave a child holding its
	// output open; do not wait for it forever.
	cmd.WaitDelay = time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return "", fmt.Errorf("folder chooser %s: %w", d.Kind, ctxErr)
	}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && d.cancelled(exit.ExitCode(), stderr.String()):
		return "", ErrNoDestination
	case err != nil:
		if msg := firstLine(stderr.String()); msg != "" {
			return "", fmt.Errorf("folder chooser %s: %w: %s", d.Kind, err, msg)
		}
		return "", fmt.Errorf("folder chooser %s: %w", d.Kind, err)
	}
	dir := strings.TrimRight(stdout.String(), "\r\n")
	if dir == "" {
		return "", fmt.Errorf("%w: the folder chooser returned nothing", ErrNoDestination)
	}
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("folder chooser %s returned %q, not an absolute path", d.Kind, firstLine(dir))
	}
	dir = filepath.Clean(dir)
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("folder chooser %s: chosen folder: %w", d.Kind, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("folder chooser %s: %s is not a folder", d.Kind, dir)
	}
	return dir, nil
}

// cancelled tells a cancelled dialog from a failed one by its exit code:
// zenity exits 1 when cancelled and 5 when it timed out, kdialog and the
// PowerShell script exit 1, and osascript reports AppleScript's "User
// canceled" error -128. GTK also makes zenity exit 1 when it cannot reach
// the display (a stale DISPLAY), which is a failure, not a choice.
func (d NativeDialog) cancelled(code int, stderr string) bool {
	switch d.Kind {
	case "zenity":
		if strings.Contains(stderr, "cannot open display") {
			return false
		}
		return code == 1 || code == 5
	case "osascript":
		return code == 1 && strings.Contains(stderr, "-128")
	default:
		return code == 1
	}
}

// firstLine returns the first non-blank line of s, at most 200 bytes.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 200 {
				l = l[:200] + "…"
			}
			return l
		}
	}
	return ""
}

// envOrNone returns getenv, or for nil an empty environment: every
// variable unset.
func envOrNone(getenv func(string) string) func(string) string {
	if getenv == nil {
		return func(string) string { return "" }
	}
	return getenv
}
