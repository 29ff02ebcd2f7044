package schedule

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/cakebackup/cakebackup/secret"
)

// brokenKeyring is an OS keyring that is not there, as on a server with
// no Secret Service.
type brokenKeyring struct{}

func (brokenKeyring) Get(context.Context, string, string) (string, error) {
	return "", errors.New("failed to connect to dbus: no such file")
}
func (brokenKeyring) Set(context.Context, string, string, string) error {
	return errors.New("failed to connect to dbus: no such file")
}

func TestPasswordSources(t *testing.T) {
	const pw = "correct horse battery staple"
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyring.MockInit()
	if err := (PasswordSource{Keyring: &secret.OSKeyring{}}).StorePassword(t.Context(), "stored", pw); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CAKE_PW": pw}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name    string
		job     Job
		store   SecretStore
		want    string
		wantErr string
	}{
		{"file 0600", Job{Name: "j", PasswordFile: write("a", pw+"\n", 0o600)}, nil, pw, ""},
		{"file 0400, CRLF", Job{Name: "j", PasswordFile: write("b", pw+"\r\nsecond line", 0o400)}, nil, pw, ""},
		{"file 0644 refused", Job{Name: "j", PasswordFile: write("c", pw, 0o644)}, nil, "", "want 0600 or 0400"},
		{"file 0640 refused", Job{Name: "j", PasswordFile: write("d", pw, 0o640)}, nil, "", "0640"},
		{"empty file", Job{Name: "j", PasswordFile: write("e", "\n", 0o600)}, nil, "", "empty"},
		{"missing file", Job{Name: "j", PasswordFile: filepath.Join(dir, "none")}, nil, "", "no such file"},
		{"folder", Job{Name: "j", PasswordFile: dir}, nil, "", "not a regular file"},
		{"env", Job{Name: "j", PasswordEnv: "CAKE_PW"}, nil, pw, ""},
		{"env unset", Job{Name: "j", PasswordEnv: "NOPE"}, nil, "", "NOPE is not set"},
		{"keyring", Job{Name: "stored", PasswordKeyring: true}, &secret.OSKeyring{}, pw, ""},
		{"keyring without entry", Job{Name: "other", PasswordKeyring: true}, &secret.OSKeyring{}, "", "job other: no password in the OS keyring"},
		{"no keyring given: the OS keyring", Job{Name: "stored", PasswordKeyring: true}, nil, pw, ""},
		{"no keyring service", Job{Name: "j", PasswordKeyring: true}, brokenKeyring{}, "", "no OS keyring available"},
		{"no source", Job{Name: "j"}, nil, "", "no password source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PasswordSource{Getenv: getenv, Keyring: tt.store}.Password(t.Context(), tt.job)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error leaks the password or spans lines: %q", err)
				}
				// A scheduler checking every job's password names the
				// one that failed.
				if !strings.HasPrefix(err.Error(), "job "+tt.job.Name+": ") || !errors.Is(err, ErrNoPassword) {
					t.Fatalf("err = %q, want it to name job %s and wrap ErrNoPassword", err, tt.job.Name)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Password = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	// A keyring that answers is there, whether it holds the job's
	// password or not; one that does not answer is not.
	for _, tt := range []struct {
		job   string
		store SecretStore
		there bool
	}{{"stored", &secret.OSKeyring{}, true}, {"other", &secret.OSKeyring{}, true}, {"j", brokenKeyring{}, false}} {
		err := PasswordSource{Keyring: tt.store}.CheckKeyring(t.Context(), tt.job)
		if (err == nil) != tt.there || (err != nil && !strings.Contains(err.Error(), "no OS keyring available")) {
			t.Errorf("CheckKeyring(%s) = %v, want a keyring there: %v", tt.job, err, tt.there)
		}
	}
	if err := (PasswordSource{Keyring: brokenKeyring{}}).StorePassword(t.Context(), "j", pw); err == nil ||
		!strings.Contains(err.Error(), "password_file") || strings.Contains(err.Error(), pw) {
		t.Fatalf("StorePassword without keyring: %v", err)
	}
}

// TestSetPassword: the password is asked for only where a keyring is
// there to keep it, and what was stored is read back; a password that
// could not be had stores nothing.
func TestSetPassword(t *testing.T) {
	keyring.MockInit()
	const pw = "set-password-test-pw"
	refused := errors.New("passwords differ")
	tests := []struct {
		name, job string
		store     SecretStore
		given     error
		err       string
		asked     bool
	}{
		{name: "stored", job: "kept", store: &secret.OSKeyring{}, asked: true},
		{name: "no keyring", job: "j", store: brokenKeyring{}, err: "no OS keyring available (failed to connect to dbus: no such file): use password_file or password_env instead"},
		{name: "not given", job: "lost", store: &secret.OSKeyring{}, given: refused, err: "passwords differ", asked: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := false
			src := PasswordSource{Keyring: tt.store}
			got, err := src.SetPassword(t.Context(), tt.job, func() (string, error) {
				asked = true
				return pw, tt.given
			})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || got != "" || asked != tt.asked {
					t.Fatalf("SetPassword = %q, %v (asked %v); want %q (asked %v)", got, err, asked, tt.err, tt.asked)
				}
				return
			}
			if err != nil || got != pw || !asked {
				t.Fatalf("SetPassword = %q, %v (asked %v)", got, err, asked)
			}
			if back, err := src.Password(t.Context(), Job{Name: tt.job, PasswordKeyring: true}); err != nil || back != pw {
				t.Fatalf("read back %q, %v", back, err)
			}
		})
	}
	if _, err := (PasswordSource{Keyring: &secret.OSKeyring{}}).Password(t.Context(), Job{Name: "lost", PasswordKeyring: true}); !errors.Is(err, ErrNoPassword) {
		t.Errorf("a password not given was stored: %v", err)
	}
}

// silentKeyring is a keyring that does not answer: each call gives up
// with a *secret.TimeoutError, as secret.OSKeyring's do, or, with a
// context that ends first, with the context's error.
type silentKeyring struct{}

func (silentKeyring) Get(ctx context.Context, _, _ string) (string, error) {
	return "", silentKeyring{}.Set(ctx, "", "", "")
}

func (silentKeyring) Set(ctx context.Context, _, _, _ string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("waiting for the OS keyring: %w", err)
	}
	return &secret.TimeoutError{After: time.Minute}
}

// TestPasswordKeyringSilent: a keyring that does not answer, or a read
// whose context ends, is said as it is, not as "no OS keyring
// available", by Password (naming the job, wrapping ErrNoPassword),
// CheckKeyring and StorePassword.
func TestPasswordKeyringSilent(t *testing.T) {
	const silent = "the OS keyring did not answer within 1m0s (locked, waiting for someone to unlock it?)"
	ended, cancel := context.WithCancel(t.Context())
	cancel()
	src := PasswordSource{Keyring: silentKeyring{}}
	for _, tt := range []struct {
		name    string
		ctx     context.Context
		call    func(context.Context) error
		want    string
		timeout bool
	}{
		{"Password", t.Context(), func(ctx context.Context) error {
			_, err := src.Password(ctx, Job{Name: "j", PasswordKeyring: true})
			return err
		}, "job j: no password: " + silent, true},
		{"Password, context ended", ended, func(ctx context.Context) error {
			_, err := src.Password(ctx, Job{Name: "j", PasswordKeyring: true})
			return err
		}, "job j: no password: waiting for the OS keyring: context canceled", false},
		{"CheckKeyring", t.Context(), func(ctx context.Context) error { return src.CheckKeyring(ctx, "j") }, silent, true},
		{"CheckKeyring, context ended", ended, func(ctx context.Context) error { return src.CheckKeyring(ctx, "j") },
			"waiting for the OS keyring: context canceled", false},
		{"StorePassword", t.Context(), func(ctx context.Context) error { return src.StorePassword(ctx, "j", "pw") }, silent, true},
		{"StorePassword, context ended", ended, func(ctx context.Context) error { return src.StorePassword(ctx, "j", "pw") },
			"waiting for the OS keyring: context canceled", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(tt.ctx)
			if err == nil || err.Error() != tt.want || errors.As(err, new(*secret.TimeoutError)) != tt.timeout || errors.Is(err, context.Canceled) == tt.timeout {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.HasPrefix(tt.name, "Password") && !errors.Is(err, ErrNoPassword) {
				t.Fatalf("err = %v, want it to wrap ErrNoPassword", err)
			}
		})
	}
}
