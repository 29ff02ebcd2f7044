package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLibraryChildrenGetNoPassword runs the program where there is no
// session bus to find: godbus, under go-keyring's Secret Service and the
// desktop notifications, then starts dbus-launch, a program cakebackup
// does not start itself and whose environment it cannot set (nor can it
// for go-keyring's /usr/bin/security on macOS). A stand-in dbus-launch on
// PATH records its environment: it must hold none of the passwords the
// run was given, $CAKEBACKUP_PASSWORD, $CAKEBACKUP_PROTON_PASSWORD or a
// job's password_env variable (of the default config, or of the one the
// command loads), which a real dbus-launch would hand on to
// the session bus daemon it leaves running.
func TestLibraryChildrenGetNoPassword(t *testing.T) {
	t.Parallel()
	if u, err := user.Current(); err == nil {
		if _, err := os.Stat(filepath.Join("/run/user", u.Uid, "bus")); err == nil {
			t.Skip("godbus finds this user's session bus without dbus-launch")
		}
	}
	const (
		backupPW = "backup-pw-Qx81"
		protonPW = "proton-pw-Zr42"
		jobPW    = "job-pw-Kd77"
	)
	tests := []struct {
		name    string
		secrets []string
		args    func(home string) []string
	}{
		// The jobs of the default config are known to every command.
		{"proton whoami", []string{backupPW, protonPW, jobPW}, func(home string) []string {
			dir := filepath.Join(home, ".config", "cakebackup")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(twoJobConfig(t, home), filepath.Join(dir, "config.toml")); err != nil {
				t.Fatal(err)
			}
			return []string{"proton", "whoami"}
		}},
		{"schedule run of a keyring job", []string{backupPW, protonPW, jobPW}, func(home string) []string {
			return []string{"schedule", "run", "--config", twoJobConfig(t, home), "--now", "fromkeyring"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home, stubs := t.TempDir(), t.TempDir()
			record := filepath.Join(stubs, "env")
			writeScript(t, filepath.Join(stubs, "dbus-launch"), "#!/bin/sh\nenv > '"+record+"'\nexit 1\n")
			out, _ := runWithPasswords(t, home, stubs, tt.args(home), backupPW, protonPW, jobPW)
			env, err := os.ReadFile(record)
			if err != nil {
				t.Fatalf("dbus-launch was not started (%v); the run said: %s", err, out)
			}
			for _, pw := range tt.secrets {
				if strings.Contains(string(env), pw) {
					t.Errorf("dbus-launch's environment holds the password %q:\n%s", pw, env)
				}
			}
		})
	}
}

// TestHeldPasswordsStillRead runs the program as a process of its own, as
// main sets it up: the passwords it takes out of its environment (see
// TestLibraryChildrenGetNoPassword) are still the ones it reads.
func TestHeldPasswordsStillRead(t *testing.T) {
	t.Parallel()
	// Neither run has another password: create without one would
	// generate one and, with no terminal to show it on, refuse.
	tests := []struct {
		name string
		args func(home string) []string
	}{
		{"create with $CAKEBACKUP_PASSWORD", func(home string) []string {
			return []string{"create", "--source", sampleWalletsAbs(t), "--dest", "folder:" + filepath.Join(home, "out")}
		}},
		{"schedule run of a password_env job", func(home string) []string {
			return []string{"schedule", "run", "--config", twoJobConfig(t, home), "--now", "fromenv"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			if err := os.Mkdir(filepath.Join(home, "out"), 0o700); err != nil {
				t.Fatal(err)
			}
			out, err := runWithPasswords(t, home, t.TempDir(), tt.args(home), "backup-pw-Qx81", "proton-pw-Zr42", "job-pw-Kd77")
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			backups, err := os.ReadDir(filepath.Join(home, "out"))
			if err != nil || len(backups) != 1 {
				t.Fatalf("backups made: %v (%v); the run said: %s", backups, err, out)
			}
		})
	}
}

// runWithPasswords runs the program in home with the stand-ins in stubs
// first on PATH and the passwords given in $CAKEBACKUP_PASSWORD,
// $CAKEBACKUP_PROTON_PASSWORD and $MY_JOB_PW, and returns its output.
func runWithPasswords(t *testing.T, home, stubs string, args []string, backupPW, protonPW, jobPW string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, programPath(t), args...)
	cmd.Env = append(homeEnv(home),
		"PATH="+stubs+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CAKEBACKUP_PASSWORD="+backupPW,
		"CAKEBACKUP_PROTON_PASSWORD="+protonPW,
		"MY_JOB_PW="+jobPW)
	return cmd.CombinedOutput()
}

// twoJobConfig writes a config in home with two jobs of the sample
// wallets into home/out: fromenv, whose password is $MY_JOB_PW, and
// fromkeyring, whose password is in the keyring. It returns its path.
func twoJobConfig(t *testing.T, home string) string {
	t.Helper()
	config := filepath.Join(home, "config.toml")
	text := fmt.Sprintf(`[[job]]
name = "fromenv"
source = %[1]q
dest = %[2]q
every = "24h"
password_env = "MY_JOB_PW"

[[job]]
name = "fromkeyring"
source = %[1]q
dest = %[2]q
every = "24h"
password_keyring = true
`, sampleWalletsAbs(t), "folder:"+filepath.Join(home, "out"))
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return config
}

// sampleWalletsAbs is the absolute path of the sample wallets.
func sampleWalletsAbs(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(sampleWallets)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}
