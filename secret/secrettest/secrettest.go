// Package secrettest runs a fake Secret Service (the OS keyring of Linux
// desktops, reached over D-Bus) on a private session bus, for tests of
// how cakebackup copes with a keyring that does not answer.
package secrettest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"

	"github.com/cakebackup/cakebackup/internal/dbustest"
)

// The Secret Service's names, from its specification
// (specifications.freedesktop.org/secret-service).
const (
	busName         = "org.freedesktop.secrets"
	servicePath     = "/org/freedesktop/secrets"
	serviceIface    = "org.freedesktop.Secret.Service"
	promptIface     = "org.freedesktop.Secret.Prompt"
	promptPathStart = "/org/freedesktop/secrets/prompt/"
)

// LockedService is a Secret Service whose collections are all locked and
// whose unlock prompts nobody answers, as on a desktop whose keyring was
// not unlocked at login, reached from a run that no one watches: Unlock
// answers with a prompt, and the prompt's Completed signal never comes
// while the test runs.
type LockedService struct {
	conn  *dbus.Conn
	shown chan struct{}
	mu    sync.Mutex
	made  int               // prompts made so far
	open  []dbus.ObjectPath // prompts shown (Prompt called), not yet completed
}

// Start starts a private session bus with a LockedService on it and
// points this process's session bus (DBUS_SESSION_BUS_ADDRESS, which
// go-keyring reads) at it for the rest of the test, which therefore may
// not run in parallel. It is skipped where dbus-daemon is missing.
//
// When the test ends the service dismisses its open prompts, and waits
// for the dismissal to reach this process, before the bus stops:
// go-keyring, still waiting for such a prompt in a goroutine the test
// gave up on, would otherwise read a closed signal channel and panic.
func Start(t *testing.T) *LockedService {
	t.Helper()
	addr := dbustest.SessionBus(t)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &LockedService{conn: conn, shown: make(chan struct{}, 64)}
	if err := conn.Export(service{s}, servicePath, serviceIface); err != nil {
		t.Fatal(err)
	}
	if reply, err := conn.RequestName(busName, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("RequestName: %v %v", reply, err)
	}
	// The process's shared session connection, go-keyring's, must be
	// one to this bus: not one left from another bus.
	client, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	var owner string
	if err := client.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, busName).Store(&owner); err != nil || owner != conn.Names()[0] {
		t.Fatalf("the session bus connection does not reach the test's Secret Service: owner %q, %v", owner, err)
	}
	t.Cleanup(func() { s.dismissAll(t, client) })
	return s
}

// Shown receives once each time a client asks for a prompt to be shown
// (calls its Prompt method): from then on that client waits for the
// prompt's Completed signal.
func (s *LockedService) Shown() <-chan struct{} { return s.shown }

// dismissAll completes the prompts shown as dismissed, as the
// specification has a service do when a prompt is dismissed, and returns
// once client has received every signal sent: a call's reply from this
// service comes after them on the same path.
func (s *LockedService) dismissAll(t *testing.T, client *dbus.Conn) {
	s.mu.Lock()
	open := s.open
	s.open = nil
	s.mu.Unlock()
	if len(open) == 0 {
		return
	}
	for _, p := range open {
		if err := s.conn.Emit(p, promptIface+".Completed", true, dbus.MakeVariant([]dbus.ObjectPath{})); err != nil {
			t.Errorf("completing prompt %s: %v", p, err)
		}
	}
	if err := client.Object(busName, servicePath).Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Errorf("ping after completing the prompts: %v", err)
	}
}

// service is the org.freedesktop.Secret.Service interface, as much of it
// as go-keyring calls before it waits on a prompt.
type service struct{ s *LockedService }

// OpenSession opens a session with no encryption ("plain").
func (v service) OpenSession(algorithm string, input dbus.Variant) (dbus.Variant, dbus.ObjectPath, *dbus.Error) {
	return dbus.MakeVariant(""), servicePath + "/session/1", nil
}

// Unlock unlocks nothing at once and returns a prompt that would unlock
// objects.
func (v service) Unlock(objects []dbus.ObjectPath) ([]dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
	s := v.s
	s.mu.Lock()
	s.made++
	path := dbus.ObjectPath(fmt.Sprintf("%s%d", promptPathStart, s.made))
	s.mu.Unlock()
	if err := s.conn.Export(prompt{s: s, path: path}, path, promptIface); err != nil {
		return nil, "/", dbus.MakeFailedError(err)
	}
	return []dbus.ObjectPath{}, path, nil
}

// prompt is an org.freedesktop.Secret.Prompt nobody answers.
type prompt struct {
	s    *LockedService
	path dbus.ObjectPath
}

// Prompt "shows" the prompt: it returns at once, and Completed never
// follows until the test ends.
func (p prompt) Prompt(windowID string) *dbus.Error {
	p.s.mu.Lock()
	p.s.open = append(p.s.open, p.path)
	p.s.mu.Unlock()
	select {
	case p.s.shown <- struct{}{}:
	default:
	}
	return nil
}
