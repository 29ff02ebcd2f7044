package protondrive

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/picker"
	"github.com/cakebackup/cakebackup/proton"
)

// A Proton failure while browsing is shown in the picker, which stays
// usable: here the listing fails and the person goes back to local
// folders and picks one.
func TestFailureKeepsPicker(t *testing.T) {
	ctx := context.Background()
	src := New(func(context.Context) (Tree, func(context.Context), error) {
		return nil, nil, errors.New("Proton Drive is unreachable")
	})
	dir := t.TempDir()
	// Tab to Proton Drive (fails), try to go down, Tab back, pick.
	c, err := picker.RunTerminal(ctx, strings.NewReader("\t\x1b[B\t\r"), io.Discard,
		[]picker.FolderSource{picker.LocalFolders{Start: dir}, src})
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec != "folder:"+dir {
		t.Errorf("choice = %+v", c)
	}
	if _, err := src.Mkdir(ctx, "/", "x"); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("Mkdir while unreachable = %v", err)
	}
}

// TestOnlyWhenLoggedIn: Proton Drive is offered (More) only once a
// session is kept, and without connecting.
func TestOnlyWhenLoggedIn(t *testing.T) {
	vars := map[string]string{"HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir(), proton.SessionEnv: "file"}
	getenv := func(k string) string { return vars[k] }
	if _, ok := LoggedIn(getenv, nil); ok {
		t.Error("Proton Drive offered without a session")
	}
	if more := More(getenv, nil)(); more != nil {
		t.Errorf("More without a session = %v, want none", more)
	}
	s := proton.Session{Username: "ana", UID: "uid", AccessToken: "a", RefreshToken: "r", SaltedKeyPass: "k"}
	if err := proton.NewSessionStore(getenv, nil).Save(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if more := More(getenv, nil)(); len(more) != 1 || more[0].Name() != "Proton Drive" {
		t.Errorf("More with a session = %v, want Proton Drive", more)
	}
}
