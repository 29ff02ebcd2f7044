package schedule

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// brokenKeyring is an OS keyring that is not there, as on a server with
// no Secret Service.
type brokenKeyring struct{}

func (brokenKeyring) Get(string, string) (string, error) {
	return "", errors.New("failed to connect to dbus: no such file")
}
func (brokenKeyring) Set(string, string, string) error {
	return errors.New("failed to connect to dbus: no such file")
}

func TestPasswordSources(t *testing.T) {
	const secret = "correct horse battery staple"
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
	if err := (PasswordSource{Keyring: OSKeyring{}}).StorePassword("stored", secret); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CAKE_PW": secret}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name    string
		job     Job
		store   SecretStore
		want    string
		wantErr string
	}{
		{"file 0600", Job{Name: "j", PasswordFile: write("a", secret+"\n", 0o600)}, nil, secret, ""},
		{"file 0400, CRLF", Job{Name: "j", PasswordFile: write("b", secret+"\r\nsecond line", 0o400)}, nil, secret, ""},
		{"file 0644 refused", Job{Name: "j", PasswordFile: write("c", secret, 0o644)}, nil, "", "want 0600 or 0400"},
		{"file 0640 refused", Job{Name: "j", PasswordFile: write("d", secret, 0o640)}, nil, "", "0640"},
		{"empty file", Job{Name: "j", PasswordFile: write("e", "\n", 0o600)}, nil, "", "empty"},
		{"missing file", Job{Name: "j", PasswordFile: filepath.Join(dir, "none")}, nil, "", "no such file"},
		{"folder", Job{Name: "j", PasswordFile: dir}, nil, "", "not a regular file"},
		{"env", Job{Name: "j", PasswordEnv: "CAKE_PW"}, nil, secret, ""},
		{"env unset", Job{Name: "j", PasswordEnv: "NOPE"}, nil, "", "NOPE is not set"},
		{"keyring", Job{Name: "stored", PasswordKeyring: true}, OSKeyring{}, secret, ""},
		{"keyring without entry", Job{Name: "other", PasswordKeyring: true}, OSKeyring{}, "", "job other: no password in the OS keyring"},
		{"no keyring service", Job{Name: "j", PasswordKeyring: true}, brokenKeyring{}, "", "no OS keyring available"},
		{"no source", Job{Name: "j"}, nil, "", "no password source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PasswordSource{Getenv: getenv, Keyring: tt.store}.Password(tt.job)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error leaks the password or spans lines: %q", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Password = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if err := (PasswordSource{Keyring: brokenKeyring{}}).StorePassword("j", secret); err == nil ||
		!strings.Contains(err.Error(), "password_file") || strings.Contains(err.Error(), secret) {
		t.Fatalf("StorePassword without keyring: %v", err)
	}
}
