package secret

import (
	"os"
	"slices"
	"testing"
)

func TestHeldEnv(t *testing.T) {
	t.Setenv("CAKEBACKUP_TEST_HELD", "pw-1")
	t.Setenv("CAKEBACKUP_TEST_EMPTY", "")
	t.Setenv("CAKEBACKUP_TEST_KEPT", "not secret")
	var h HeldEnv
	h.Hold("CAKEBACKUP_TEST_HELD", "CAKEBACKUP_TEST_EMPTY", "CAKEBACKUP_TEST_UNSET")
	for _, name := range []string{"CAKEBACKUP_TEST_HELD", "CAKEBACKUP_TEST_EMPTY", "CAKEBACKUP_TEST_UNSET"} {
		if _, ok := os.LookupEnv(name); ok {
			t.Errorf("%s is still in the process environment", name)
		}
	}
	if slices.ContainsFunc(os.Environ(), func(kv string) bool { return kv == "CAKEBACKUP_TEST_HELD=pw-1" }) {
		t.Error("os.Environ, which a child inherits, still has the held variable")
	}
	for name, want := range map[string]string{
		"CAKEBACKUP_TEST_HELD":  "pw-1",
		"CAKEBACKUP_TEST_EMPTY": "",
		"CAKEBACKUP_TEST_UNSET": "",
		"CAKEBACKUP_TEST_KEPT":  "not secret",
	} {
		if got := h.Getenv(name); got != want {
			t.Errorf("Getenv(%s) = %q, want %q", name, got, want)
		}
	}
	if got := os.Getenv("CAKEBACKUP_TEST_KEPT"); got != "not secret" {
		t.Errorf("a variable not held left the environment: %q", got)
	}
	h.Hold("CAKEBACKUP_TEST_HELD") // again: no longer in the environment, still held
	if got := h.Getenv("CAKEBACKUP_TEST_HELD"); got != "pw-1" {
		t.Errorf("after a second Hold, Getenv = %q, want pw-1", got)
	}
}
