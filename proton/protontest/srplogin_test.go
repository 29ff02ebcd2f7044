package protontest

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestSRPLoginRemembersTheHash: the server's own logins derive the SRP
// password hash once per password and salt, use it again, and still prove
// it to the core server every time: a wrong password is refused, and so
// is the right one when the remembered hash is spoilt.
func TestSRPLoginRemembersTheHash(t *testing.T) {
	t.Parallel()
	const user, password = "erin", "erin's password"
	srv := NewForTest(t, WithUser(user, password)).Server
	ctx := context.Background()
	login := func(password string) error {
		m := srv.coreManager()
		defer m.Close()
		c, _, err := srv.srpLogin(ctx, m, user, password)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.GetUser(ctx); err != nil {
			t.Errorf("the session of a login does not work: %v", err)
		}
		return c.AuthDelete(ctx)
	}
	remembered := func(password string) (keys []string) {
		srpHashes.Range(func(k, _ any) bool {
			if strings.HasPrefix(k.(string), user+"\x00"+password+"\x00") {
				keys = append(keys, k.(string))
			}
			return true
		})
		return keys
	}
	if n := len(remembered(password)); n != 1 {
		t.Fatalf("%d hashes remembered after the account was made, want 1", n)
	}
	for range 2 {
		if err := login(password); err != nil {
			t.Fatalf("log in again: %v", err)
		}
	}
	if n := len(remembered(password)); n != 1 {
		t.Fatalf("%d hashes remembered after logging in again, want 1", n)
	}
	// The remembered hash is what a login proves: spoilt, the right
	// password no longer logs in.
	key := remembered(password)[0]
	kept, _ := srpHashes.Load(key)
	srpHashes.Store(key, srpHash{hashed: bytes.Repeat([]byte{1}, len(kept.(srpHash).hashed)), modulus: kept.(srpHash).modulus})
	err := login(password)
	srpHashes.Store(key, kept)
	if err == nil {
		t.Fatal("a login with a spoilt remembered hash succeeded: the hash is not used")
	}
	for range 2 {
		if err := login("not " + password); err == nil {
			t.Fatal("log in with a wrong password succeeded")
		}
	}
	if n := len(remembered("not " + password)); n != 1 {
		t.Fatalf("%d hashes of the wrong password remembered, want 1", n)
	}
}
