package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestProtonLoggedOutRecordUnreadable: a record of the sessions logged out of that
// cannot be read (proton.LoggedOutRecordError) fails each Proton command in one line
// that names the file and says what to do: delete it and try again. A logout then
// leaves the session as it is, which works again once the record is deleted.
func TestProtonLoggedOutRecordUnreadable(t *testing.T) {
	t.Parallel()
	c, _ := loggedInProtonCLI(t)
	record := filepath.Join(c.vars["XDG_CONFIG_HOME"], "cakebackup", "proton-logged-out.json")
	if err := os.WriteFile(record, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"proton", "whoami"}, {"ls", "proton:/"}, {"proton", "logout"}} {
		code := c.run(args...)
		oneLineError(t, c, code, record+" cannot be read")
		oneLineError(t, c, code, "delete that file and try again")
		if code != exitFailure {
			t.Errorf("%v: exit %d, want %d", args, code, exitFailure)
		}
	}
	if err := os.Remove(record); err != nil {
		t.Fatal(err)
	}
	if code := c.run("proton", "whoami"); code != exitOK {
		t.Errorf("proton whoami once the record is deleted: exit %d, want %d (the session kept)", code, exitOK)
	}
}
