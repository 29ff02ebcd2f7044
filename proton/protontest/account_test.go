package protontest

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/ProtonMail/gopenpgp/v3/crypto"
	"github.com/rclone/go-proton-api"
)

// TestServerHoldsOnlyLockedKeys: every share and node key the server
// stores, from AddUser and from bridge uploads, is locked with a
// passphrase the server never sees in the clear.
func TestServerHoldsOnlyLockedKeys(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	srv := ts.Server
	ctx := context.Background()
	drive := sessionBridge(t, ctx, sessionConfig(t, ts))
	folder, err := drive.CreateNewFolderByID(ctx, drive.RootLink.LinkID, "f")
	if err != nil {
		t.Fatal(err)
	}
	upload(t, ctx, drive, folder, "x.cake", []byte("x"))

	d := stored(t, srv)
	var keys []string
	for _, sh := range d.Shares {
		keys = append(keys, sh.Key)
	}
	for _, l := range d.Links {
		keys = append(keys, l.NodeKey)
	}
	if len(keys) != 4 { // share, root, folder, file
		t.Fatalf("server holds %d keys, want 4", len(keys))
	}
	for i, armored := range keys {
		key, err := crypto.NewKeyFromArmored(armored)
		if err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		locked, err := key.IsLocked()
		if err != nil || !locked {
			t.Errorf("key %d is not locked (locked=%v, err=%v)", i, locked, err)
		}
	}
	var passphrases []string
	for _, sh := range d.Shares {
		passphrases = append(passphrases, sh.Passphrase)
	}
	for _, l := range d.Links {
		passphrases = append(passphrases, l.NodePassphrase)
	}
	for i, p := range passphrases {
		if !isPGPMessage(p) {
			t.Errorf("passphrase %d is not an encrypted message", i)
		}
	}
}

// TestKeptSessionKeyPassIsTheDerivedOne: NewForTest takes its session's
// key password from what the server's key generation was given (see
// fastKeyPassphrases) instead of deriving it again; it must be what a
// client derives from the password and the key salt, and unlock the key.
func TestKeptSessionKeyPassIsTheDerivedOne(t *testing.T) {
	t.Parallel()
	ts := NewForTest(t)
	ctx := context.Background()
	c := apiClient(t, ts)
	user, err := c.GetUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	salts, err := c.GetSalts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := fastKeyPassphrases.Load(string(user.Keys.Primary().PrivateKey)); !ok {
		t.Error("the user key's password was not remembered: NewForTest derives it again")
	}
	derived, err := salts.SaltForKey([]byte(ts.Password), user.Keys.Primary().ID)
	if err != nil {
		t.Fatal(err)
	}
	if kept := ts.Session().SaltedKeyPass; kept != base64.StdEncoding.EncodeToString(derived) {
		t.Fatal("the kept session's key password is not the one derived from the password")
	}
	addrs, err := c.GetAddresses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := proton.Unlock(user, addrs, derived, nil); err != nil {
		t.Fatalf("the key password does not unlock the user key: %v", err)
	}
}
