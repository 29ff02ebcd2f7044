package protontest

import (
	"bytes"
	"context"
	"testing"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

func TestBridgeTwoClientsOneAccount(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	// A starts on the session of NewForTest's login, B on another login:
	// two sessions of one account. (The bridge's own login is what
	// TestBridgeLogsInAndListsRoot and the login tests are about.)
	a := sessionBridge(t, ctx, sessionConfig(t, ts))
	b := sessionBridge(t, ctx, keptSessionConfig(t, srv, logInForTest(t, srv, testUser, testPassword)))
	if a.Config.ReusableCredential.UID == b.Config.ReusableCredential.UID {
		t.Fatal("the two clients share a session")
	}
	if a.RootLink.LinkID != b.RootLink.LinkID {
		t.Fatalf("clients see different roots: %s and %s", a.RootLink.LinkID, b.RootLink.LinkID)
	}
	root := a.RootLink.LinkID

	fromA := wallettest.RandomBytes(t, 100_000)
	idA := upload(t, ctx, a, root, "from-a.cake", fromA)
	if got := download(t, ctx, b, idA); !bytes.Equal(got, fromA) {
		t.Fatal("client B reads different bytes than client A wrote")
	}
	fromB := wallettest.RandomBytes(t, 10)
	upload(t, ctx, b, root, "from-b.cake", fromB)
	if got, want := listNames(t, ctx, a, root), []string{"from-a.cake", "from-b.cake"}; !equalStrings(got, want) {
		t.Fatalf("client A lists %q, want %q", got, want)
	}

	// A second account sees nothing of the first.
	if err := srv.AddUser(otherUser, otherPassword); err != nil {
		t.Fatal(err)
	}
	bob := sessionBridge(t, ctx, keptSessionConfig(t, srv, logInForTest(t, srv, otherUser, otherPassword)))
	if bob.MainShare.ShareID == a.MainShare.ShareID {
		t.Fatal("two accounts share a main share")
	}
	if got := listNames(t, ctx, bob, bob.RootLink.LinkID); len(got) != 0 {
		t.Fatalf("bob's new drive lists %q", got)
	}
	if _, err := bob.GetLink(ctx, idA); err == nil {
		t.Fatal("bob can read alice's link")
	}
}
