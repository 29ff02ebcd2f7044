package notify

import (
	"slices"
	"testing"
)

// TestShellCommandEverySystem runs the choice of shell for hook commands
// of every system here: cmd.exe on Windows, /bin/sh elsewhere.
func TestShellCommandEverySystem(t *testing.T) {
	for _, tc := range []struct {
		goos, name string
		args       []string
	}{
		{"windows", "cmd", []string{"/C", `echo %CAKEBACKUP_JOB% & exit 0`}},
		{"darwin", "/bin/sh", []string{"-c", `echo %CAKEBACKUP_JOB% & exit 0`}},
		{"linux", "/bin/sh", []string{"-c", `echo %CAKEBACKUP_JOB% & exit 0`}},
	} {
		name, args := shellCommand(tc.goos, `echo %CAKEBACKUP_JOB% & exit 0`)
		if name != tc.name || !slices.Equal(args, tc.args) {
			t.Errorf("%s: shellCommand = %s %q, want %s %q", tc.goos, name, args, tc.name, tc.args)
		}
	}
}
