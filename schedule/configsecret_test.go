package schedule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigErrorHidesAPassword: a config that does not parse is reported
// with its line and key, and, where the key is for a password, without
// the value found there: someone who wrote their password into the file
// (unquoted, as in `password = correcthorse`) would have it printed, and
// a timer's run logged it to the journal.
func TestConfigErrorHidesAPassword(t *testing.T) {
	t.Parallel()
	const head = "[[job]]\nname = \"a\"\nsource = \"/tmp\"\nevery = \"24h\"\n"
	tests := []struct {
		line   string
		hidden string // not in the error
		want   string // in the error
	}{
		{"password = correcthorsebattery", "correcthorsebattery", ":5: job.password: expected value but found a value not shown"},
		{"proton_password = hunterbaz", "hunterbaz", ":5: job.proton_password: "},
		{"passphrase = hunterfoo", "hunterfoo", ":5: job.passphrase: "},
		{"password_file = hunter2", "hunter", ":5: job.password_file: "},
		// Other keys keep the value, which helps fix a typo.
		{"every = daily", "", `:5: job.every: expected value but found "daily" instead`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(path, []byte(head+tt.line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			if err == nil {
				t.Fatal("the config loaded")
			}
			msg := err.Error()
			// The folder's name holds the test's, with the value.
			if tt.hidden != "" && strings.Contains(strings.ReplaceAll(msg, path, ""), tt.hidden) {
				t.Errorf("the error shows the value %q: %s", tt.hidden, msg)
			}
			if !strings.Contains(msg, path+tt.want) {
				t.Errorf("error %q, want it to hold %q", msg, path+tt.want)
			}
		})
	}
}
