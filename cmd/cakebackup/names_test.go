package main

import (
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestCreateQuotesNamesInWarnings: create's warnings about files it left
// out quote a name that is not printable UTF-8 (a Latin-1 name, one with
// a newline), so each warning is one line that names the file exactly.
func TestCreateQuotesNamesInWarnings(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	src := wallettest.Sample(t, map[string][]byte{
		"caf\xe9.txt":    []byte("latin-1 name"),
		"two\nlines.txt": []byte("a newline in the name"),
	})
	c.mustRun("create", "--source", src, "--dest", "folder:"+t.TempDir(),
		"--password-file", writePasswordFile(t, "a long and unguessable test password"), "--json")
	stderr := c.stderr.String()
	for _, want := range []string{
		`warning: skipped "caf\xe9.txt": it is not valid UTF-8, so it could not be restored everywhere` + "\n",
		`warning: skipped "two\nlines.txt": it contains a control character, so it could not be restored everywhere` + "\n",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q, want the line %q", stderr, want)
		}
	}
}
