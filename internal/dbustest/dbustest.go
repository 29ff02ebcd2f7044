// Package dbustest starts a private D-Bus session bus for a test, for
// tests of services cakebackup reaches over D-Bus (desktop notifications,
// the Secret Service).
package dbustest

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
)

// SessionBus starts a dbus-daemon of the test's own, stopped when the
// test ends, and returns its address. The test is skipped where Debian's
// dbus-daemon is missing.
func SessionBus(t *testing.T) string {
	t.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("no dbus-daemon (Debian package dbus-daemon)")
	}
	cmd := exec.Command(daemon, "--session", "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(addr)
}
