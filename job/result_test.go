package job_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// A made backup's result names the first stored copy, is verified only
// when every destination holds one, and words each failed destination's
// error with the function it is given; its JSON is create --json's.
func TestMadeResult(t *testing.T) {
	t.Parallel()
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("keys")})
	out := t.TempDir()
	missing := filepath.Join(t.TempDir(), "missing")
	word := func(err error) string { return "worded: " + err.Error() }
	for _, tt := range []struct {
		dests    []string
		verified bool
	}{
		{[]string{"folder:" + out}, true},
		{[]string{"folder:" + missing, "folder:" + out}, false},
	} {
		made, _ := job.Make(t.Context(), opener(), job.Backup{Source: src, Dests: tt.dests, Name: "b", Password: savePassword})
		if made == nil {
			t.Fatalf("%v: nothing made", tt.dests)
		}
		if !made.Saved() {
			t.Errorf("%v: Saved() false with a copy stored", tt.dests)
		}
		res := made.Result(word)
		// The second run finds b taken and stores b-2.
		name := filepath.Base(made.Stores.Good()[0].Entry.Location)
		if res.Name != name || res.Location != filepath.Join(out, name) || res.Verified != tt.verified || res.Size != made.Summary.Size || res.Chunks == 0 || res.SHA512 != made.Summary.SHA512 {
			t.Errorf("%v: result %+v", tt.dests, res)
		}
		b, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		good := `{"dest":"folder:` + out + `","ok":true,"name":"` + name + `","location":"` + filepath.Join(out, name) + `","size":` + fmt.Sprint(made.Summary.Size) + `}`
		dests := "[" + good + "]"
		if len(tt.dests) == 2 {
			dests = `[{"dest":"folder:` + missing + `","ok":false,"error":"worded: folder ` + missing + ` does not exist"},` + good + "]"
		}
		want := `{"location":"` + filepath.Join(out, name) + `","name":"` + name + `","size":` + fmt.Sprint(made.Summary.Size) + `,"chunks":1,"app_can_import":false,"inner_sha512":"` + made.Summary.SHA512 + `","verified":` + fmt.Sprint(tt.verified) + `,"destinations":` + dests + `}`
		if string(b) != want {
			t.Errorf("%v: JSON\n%s\nwant\n%s", tt.dests, b, want)
		}
	}
}

// BadRequest tells the errors of a backup or a shipment asked for in a
// way that cannot work from those of one that failed.
func TestBadRequest(t *testing.T) {
	t.Parallel()
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("keys")})
	out := t.TempDir()
	backupTo := func(b job.Backup) error {
		b.Source, b.Password = src, savePassword
		_, err := job.Make(t.Context(), opener(), b)
		return err
	}
	file := filepath.Join(t.TempDir(), "b")
	if err := os.WriteFile(file, []byte("not a backup, but a file"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"unknown app", backupTo(job.Backup{Dests: []string{"folder:" + out}, ForApp: "Wasabi"}), true},
		{"no destination", backupTo(job.Backup{}), true},
		{"destination twice", backupTo(job.Backup{Dests: []string{"folder:" + out, "folder:" + out + "/"}}), true},
		{"destination in the source", backupTo(job.Backup{Dests: []string{"folder:" + filepath.Join(src, "wallets")}}), true},
		{"folder: without a path", backupTo(job.Backup{Dests: []string{"folder:"}}), true},
		{"name with a control character", backupTo(job.Backup{Dests: []string{"folder:" + out}, Name: "a\tb"}), true},
		{"no such file", job.CheckFile(filepath.Join(out, "missing")), true},
		{"a folder to send", job.CheckFile(out), true},
		{"a missing destination", backupTo(job.Backup{Dests: []string{"folder:" + filepath.Join(out, "missing")}}), false},
		{"not a backup", func() error {
			_, err := job.Send(t.Context(), opener(), job.Shipment{File: file, Dests: []string{"folder:" + out}})
			return err
		}(), false},
		{"nil", nil, false},
	} {
		if tt.err == nil && tt.name != "nil" {
			t.Errorf("%s: no error", tt.name)
		}
		if got := job.BadRequest(tt.err); got != tt.want {
			t.Errorf("%s: BadRequest(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// Make that made no backup (its one destination did not open) returns a
// Made, nil, that is not Saved.
func TestMadeNotSaved(t *testing.T) {
	t.Parallel()
	src := wallettest.Folder(t, map[string][]byte{"wallets/monero/main/main.keys": []byte("keys")})
	made, err := job.Make(t.Context(), opener(), job.Backup{Source: src, Dests: []string{"folder:" + filepath.Join(t.TempDir(), "missing")}, Name: "b", Password: savePassword})
	// Make made nothing: its one destination did not open.
	if err == nil || made.Saved() {
		t.Errorf("Make to a missing folder: %+v, %v; want it not saved", made, err)
	}
}
