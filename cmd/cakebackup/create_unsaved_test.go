package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCreateGivesNoPasswordWhenNothingWasSaved: when every destination
// fails after the backup was made (here Proton Drive's quota, which
// leaves no room for it),
// no backup exists, so create hands out no password: a password written
// down for a backup that is not there would only be taken for the next
// one's.
func TestCreateGivesNoPasswordWhenNothingWasSaved(t *testing.T) {
	t.Parallel()
	c, srv := loggedInProtonCLI(t)
	srv.SetQuota(1024)
	code := c.run("create", "--source", sampleWallets, "--dest", "proton:/Backups/Cake", "--json")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailure, c.stderr.String())
	}
	var res map[string]any
	if err := json.Unmarshal(c.stdout.Bytes(), &res); err != nil {
		t.Fatalf("create --json printed %q: %v", c.stdout.String(), err)
	}
	if _, ok := res["generated_password"]; ok {
		t.Errorf("create --json gave a generated password for a backup saved nowhere: %s", c.stdout.String())
	}
	if !strings.Contains(c.stdout.String(), "proton:/Backups/Cake") {
		t.Errorf("create --json does not name the failed destination: %s", c.stdout.String())
	}
}
