package job_test

import (
	"encoding/json"
	"fmt"
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
