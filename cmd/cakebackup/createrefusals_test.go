package main

import "testing"

// TestCreateRefusalOrder: when several of create's flags are wrong, the
// line names the same one it always did: --dest with --pick before a bad
// --name, and a bad --name before a bad --dest spec (each exit 2).
func TestCreateRefusalOrder(t *testing.T) {
	t.Parallel()
	pwFile := writePasswordFile(t, "a long and strong password for tests 9")
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"dest and pick, bad name", []string{"--dest", "folder:" + t.TempDir(), "--pick", "--name", ".hidden"},
			"cakebackup: use --dest or --pick, not both\n"},
		{"bad name, bad dest", []string{"--dest", "nosuchkind:x", "--name", ".hidden"},
			"cakebackup: --name .hidden must not start with a dot\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCLI(t)
			code := c.run(append([]string{"create", "--source", sampleWallets, "--password-file", pwFile}, tt.args...)...)
			if code != exitUsage || c.stderr.String() != tt.want || c.stdout.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, c.stdout.String(), c.stderr.String(), exitUsage, tt.want)
			}
		})
	}
}
