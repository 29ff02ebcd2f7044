package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/job"
)

// installCakeWallet copies the sample wallets where Cake Wallet desktop
// keeps its data, dir, as the app lays it out (wallets/ inside).
func installCakeWallet(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dir, os.DirFS(sampleWallets)); err != nil {
		t.Fatal(err)
	}
}

// TestCreateWithoutSourceBacksUpCakeWallet: with the app installed, a
// backup needs no path at all.
func TestCreateWithoutSourceBacksUpCakeWallet(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("Cake Wallet's default data folder is known on Linux only")
	}
	c := newCLI(t)
	data := filepath.Join(c.vars["HOME"], "Documents", "cake_wallet")
	installCakeWallet(t, data)
	out := c.mustRun("create", "--json")
	if !strings.Contains(c.stderr.String(), "Backing up Cake Wallet's data folder "+data) {
		t.Errorf("stderr %q does not say which folder it backs up", c.stderr.String())
	}
	var res job.CreatedResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Password == "" || filepath.Dir(res.Location) != filepath.Join(c.vars["HOME"], "Downloads") {
		t.Fatalf("result %+v: want a generated password and a backup in Downloads", res)
	}
	c.vars[passwordEnv] = res.Password
	to := filepath.Join(t.TempDir(), "restored")
	c.mustRun("restore", res.Location, "--to", to)
	if got, want := readTree(t, to), readTree(t, data); len(got) != len(want) {
		t.Errorf("restored %d files, want %d", len(got), len(want))
	}
}
