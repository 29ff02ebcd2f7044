package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestProtonLoggedOutRecordUnreadable: a record of the sessions logged out of that
// cannot be read (proton.LoggedOutRecordError) fails each Proton command in one line
// that names the file and says what to do: delete it and try again.
func TestProtonLoggedOutRecordUnreadable(t *testing.T) {
	t.Parallel()
	c, _ := loggedInProtonCLI(t)
	record := filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "proton-logged-out.json")
	if err := os.WriteFile(record, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"proton", "whoami"}, {"ls", "proton:/"}} {
		code := c.run(args...)
		oneLineError(t, c, code, record+" cannot be read")
		oneLineError(t, c, code, "delete that file and try again")
		if code != exitFailure {
			t.Errorf("%v: exit %d, want %d", args, code, exitFailure)
		}
	}
}
