package job_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

func TestMakeToSeveralDestinations(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	a, b := t.TempDir(), t.TempDir()
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + a, "folder:" + b}, Name: "two", Password: savePassword,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(made.Stores) != 2 || made.Stores[0].Dest != "folder:"+a || made.Stores[1].Dest != "folder:"+b {
		t.Fatalf("stores %+v", made.Stores)
	}
	one, err := os.ReadFile(filepath.Join(a, "two"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile(filepath.Join(b, "two"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one, other) || int64(len(one)) != made.Summary.Size {
		t.Fatalf("the copies differ (%d and %d bytes, %d made)", len(one), len(other), made.Summary.Size)
	}
	restoreAndCompare(t, filepath.Join(b, "two"), dir)
}

func TestMakeKeepsGoodCopyWhenADestinationFails(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("spend key")})
	good := t.TempDir()
	missing := filepath.Join(t.TempDir(), "unplugged")
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + missing, "folder:" + good}, Name: "b", Password: savePassword,
	})
	var de *job.DestinationsError
	if !errors.As(err, &de) || de.Total != 2 || len(de.Failed) != 1 || !errors.Is(err, destinations.ErrNotFound) {
		t.Fatalf("Make: %v, want one of two destinations failing with ErrNotFound", err)
	}
	if made == nil || made.Stores[0].Err == nil || made.Stores[1].Err != nil || made.Stores[1].Entry.Name != "b" {
		t.Fatalf("made %+v", made)
	}
	restoreAndCompare(t, filepath.Join(good, "b"), dir)
}

func TestMakeSurvivesADestinationFillingUp(t *testing.T) {
	full := smallDisk(t, "1m")
	good := t.TempDir()
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/cache": []byte("small")})
	// The wallet grows after it was collected, so the size estimate
	// passes the free-space check and the small disk fills mid-write.
	grow := func() {
		os.WriteFile(filepath.Join(dir, "wallets/monero/main/cache"), bytes.Repeat([]byte("wallet"), 1<<19), 0o600)
	}
	made, err := job.Make(t.Context(), opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + full, "folder:" + good}, Name: "b", Password: savePassword,
		OnCollected: func(*backupSource) { grow() },
	})
	if !errors.Is(err, destinations.ErrNoSpace) {
		t.Fatalf("Make: %v, want ErrNoSpace from the full disk", err)
	}
	if made == nil || made.Stores[1].Err != nil {
		t.Fatalf("made %+v", made)
	}
	assertEmpty(t, full)
	restoreAndCompare(t, filepath.Join(good, "b"), dir)
}

func TestMakeRefusesRepeatedOrNoDestination(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/a/a.keys": []byte("k")})
	out := t.TempDir()
	for _, dests := range [][]string{nil, {"folder:" + out, "folder:" + out}} {
		if _, err := job.Make(t.Context(), opener(), job.Backup{Source: dir, Dests: dests, Password: savePassword}); err == nil {
			t.Errorf("Make to %v succeeded", dests)
		}
	}
	assertEmpty(t, out)
}
