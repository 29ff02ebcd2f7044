package backup

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

func TestCanonicalPassword(t *testing.T) {
	const canon = "k7m2p-xq9rt-abcde-fghjk-mnpqr-stuvw"
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"already canonical", canon, canon, true},
		{"upper case", strings.ToUpper(canon), canon, true},
		{"without dashes", strings.ReplaceAll(canon, "-", ""), canon, true},
		{"spaces for dashes", strings.ReplaceAll(canon, "-", " "), canon, true},
		{"trailing space and newline", canon + " \r\n", canon, true},
		{"leading tab", "\t" + canon, canon, true},
		{"en dashes from a word processor", strings.ReplaceAll(canon, "-", "\u2013"), canon, true},
		{"dashes in the wrong places", "k7m2-pxq9r-tabcd-efghj-kmnpq-rstuvw", canon, true},
		{"double dashes", strings.ReplaceAll(canon, "-", "--"), canon, true},
		{"mixed case, no dashes, spaces around", "  K7M2Pxq9rtABCDEfghjkMNPQRstuvw ", canon, true},
		{"one symbol short", canon[:len(canon)-1], "", false},
		{"one symbol more", canon + "x", "", false},
		{"a letter the generator never uses", strings.Replace(canon, "k", "l", 1), "", false},
		{"a zero", strings.Replace(canon, "k", "0", 1), "", false},
		{"a user's own password", "correct horse battery staple", "", false},
		{"empty", "", "", false},
		{"non-ASCII letter", strings.Replace(canon, "a", "\u00e4", 1), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CanonicalPassword(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CanonicalPassword(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Every generated password is its own canonical form.
func TestGeneratedPasswordIsCanonical(t *testing.T) {
	for range 50 {
		pw, err := GeneratePassword()
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := CanonicalPassword(pw); !ok || got != pw {
			t.Fatalf("CanonicalPassword(%q) = %q, %v", pw, got, ok)
		}
	}
}

func TestAcceptedPassword(t *testing.T) {
	t.Parallel()
	pw, err := GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := makeBackup(t, "../examples/wallets", "", WriteOptions{Password: pw})
	a, err := openBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	other, err := GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, typed, want string
		canonical         bool
	}{
		{"exact", pw, pw, false},
		{"upper case without dashes", strings.ToUpper(strings.ReplaceAll(pw, "-", "")), pw, true},
		{"trailing space", pw + " ", pw, true},
		{"another generated password", strings.ToUpper(other), strings.ToUpper(other), false},
		{"not generated-looking", "hunter2", "hunter2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, canonical, err := a.AcceptedPassword(ctx, tt.typed)
			if err != nil || got != tt.want || canonical != tt.canonical {
				t.Errorf("AcceptedPassword = %q, %v, %v; want %q, %v", got, canonical, err, tt.want, tt.canonical)
			}
			// What it returns is what the operations then use.
			verr := a.Verify(ctx, got)
			if wantOK := tt.want == pw; (verr == nil) != wantOK || (!wantOK && !errors.Is(verr, ErrDecrypt)) {
				t.Errorf("Verify with the accepted password: %v", verr)
			}
		})
	}
}

// TestPasswordKeysDerivedOnce checks that every method taking a password
// finds its keys in the Archive's cache, so that a password accepted in
// its canonical form is not derived again by the operation that follows.
func TestPasswordKeysDerivedOnce(t *testing.T) {
	t.Parallel()
	pw, err := GeneratePassword()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := makeBackup(t, "../examples/wallets", "", WriteOptions{Password: pw})
	ctx := context.Background()
	calls := []struct {
		name string
		call func(a *Archive) error
	}{
		{"List", func(a *Archive) error { _, err := a.List(ctx, pw); return err }},
		{"VerifyWith", func(a *Archive) error { return a.VerifyWith(ctx, pw, RestoreOptions{}) }},
		{"RestoreWith", func(a *Archive) error {
			_, err := a.RestoreWith(ctx, pw, filepath.Join(t.TempDir(), "out"), RestoreOptions{})
			return err
		}},
		{"Decrypt", func(a *Archive) error { return a.Decrypt(ctx, pw, io.Discard) }},
		{"AcceptedPassword", func(a *Archive) error {
			_, _, err := a.AcceptedPassword(ctx, strings.ToUpper(pw))
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			a, err := openBytes(b)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(a); err != nil {
				t.Fatal(err)
			}
			keys := a.keys[pw]
			if keys == nil || len(keys.keys) != 1 {
				t.Fatalf("after %s the Archive holds no derived key for the password (%v)", tc.name, a.keys)
			}
			var derived *cachedKey
			for _, k := range keys.keys {
				derived = k
			}
			// The operation after an accepted password uses the same key.
			if err := a.Verify(ctx, pw); err != nil {
				t.Fatal(err)
			}
			for _, k := range a.keys[pw].keys {
				if k != derived {
					t.Errorf("Verify after %s derived the key again", tc.name)
				}
			}
		})
	}
}
