package proton

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/proton/protontest"
)

// The fake server's account used by the tests.
const (
	fakeUser     = protontest.TestUser
	fakePassword = protontest.TestPassword
)

// fakeProton is a fake Proton Drive on loopback with one account logged
// in, its session kept in a file under a temporary config dir.
type fakeProton struct {
	ts     *protontest.TestServer
	srv    *protontest.Server
	opts   Options
	getenv func(string) string
	store  SessionStore
	folder atomic.Int64
}

// newFakeProton starts a fake server.
func newFakeProton(t testing.TB) *fakeProton {
	t.Helper()
	return newFakeProtonWith(t)
}

// newFakeProtonWith is newFakeProton with NewForTest's options.
func newFakeProtonWith(t testing.TB, opts ...protontest.TestOption) *fakeProton {
	t.Helper()
	ts := protontest.NewForTest(t, opts...)
	srv := ts.Server
	env := map[string]string{
		"XDG_CONFIG_HOME": t.TempDir(),
		URLEnv:            srv.URL(),
		// Never touch the real keyring of a developer's desktop.
		SessionEnv: "file",
	}
	f := &fakeProton{ts: ts, srv: srv, opts: Options{APIURL: srv.URL()}, getenv: func(k string) string { return env[k] }}
	f.store = NewSessionStore(f.getenv, nil)
	// The server's session of the account (TestServer.Session) is saved
	// as Login would save one: Login's own tests log in; the others need
	// not pay for another login.
	if err := f.store.Save(context.Background(), serverSession(ts)); err != nil {
		t.Fatal(err)
	}
	return f
}

// serverSession is the session of ts's account (TestServer.Session) as
// Login would keep it.
func serverSession(ts *protontest.TestServer) Session {
	api := ts.Session()
	return Session{
		Created:       time.Now().UTC().Truncate(time.Second),
		Username:      fakeUser,
		APIURL:        ts.Server.URL(),
		UID:           api.UID,
		AccessToken:   api.AccessToken,
		RefreshToken:  api.RefreshToken,
		SaltedKeyPass: api.SaltedKeyPass,
	}
}

// connect opens the Drive with the cached session.
func (f *fakeProton) connect(t testing.TB) *Drive {
	t.Helper()
	d, err := Connect(context.Background(), f.opts, f.store)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { d.Close(context.Background()) })
	return d
}

// newDest returns a destination in a new folder /Backups/tN, which the
// destination makes when it stores its first backup.
func (f *fakeProton) newDest(t testing.TB) *Destination {
	t.Helper()
	d, err := NewDestination(f.connect(t), fmt.Sprintf("/Backups/t%d", f.folder.Add(1)))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// madeDest is newDest with the folder made already, by the server (see
// protontest.TestServer.MakeFolders): for tests whose point is not
// making folders, which then need not pay a client's key derivations for
// /Backups and /Backups/tN.
func (f *fakeProton) madeDest(t testing.TB) *Destination {
	t.Helper()
	return f.madeDestAt(t, fmt.Sprintf("/Backups/t%d", f.folder.Add(1)))
}

// madeDestAt is madeDest in the folder path.
func (f *fakeProton) madeDestAt(t testing.TB, path string) *Destination {
	t.Helper()
	f.ts.MakeFolders(path)
	d, err := NewDestination(f.connect(t), path)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// residue lists every file link the server holds in the destination's
// folder, whatever its state (draft, active, trashed), as "ID state".
// Names are encrypted on the server, so links are told apart by ID.
func (f *fakeProton) residue(t testing.TB, dest destinations.Destination) []string {
	t.Helper()
	d := dest.(*Destination)
	folderID, err := d.folder(context.Background(), false)
	if err != nil {
		return nil // No folder yet: nothing in it.
	}
	stored, err := f.srv.Stored()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range stored.Links {
		if l.ParentLinkID == folderID && l.Type == protonapi.LinkTypeFile && l.State != protonapi.LinkStateDeleted {
			out = append(out, fmt.Sprintf("%s %d", l.LinkID, l.State))
		}
	}
	sort.Strings(out)
	return out
}
