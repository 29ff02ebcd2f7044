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

func TestOnlyWhenLoggedIn(t *testing.T) {
	vars := map[string]string{"HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir(), proton.SessionEnv: "file"}
	if _, ok := LoggedIn(func(k string) string { return vars[k] }, nil); ok {
		t.Error("Proton Drive offered without a session")
	}
}
