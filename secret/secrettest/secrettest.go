// Package secrettest runs a fake Secret Service (the OS keyring of Linux
// desktops, reached over D-Bus) on a private session bus, for tests of
// how cakebackup copes with a keyring that does not answer, and with one
// that answers once unlocked.
package secrettest

import (
	"fmt"
	"maps"
	"runtime"
	"strings"
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
	collectionIface = "org.freedesktop.Secret.Collection"
	itemIface       = "org.freedesktop.Secret.Item"
	itemAttributes  = itemIface + ".Attributes"
	errIsLocked     = "org.freedesktop.Secret.Error.IsLocked"
	errNoSuchObject = "org.freedesktop.Secret.Error.NoSuchObject"
	// The default collection's alias, which go-keyring uses when the
	// service lists no "login" collection (this one lists none).
	collectionPath = "/org/freedesktop/secrets/aliases/default"
	itemPathStart  = "/org/freedesktop/secrets/collection/login/"
)

// LockedService is a Secret Service whose collections are all locked and
// whose unlock prompts nobody answers, as on a desktop whose keyring was
// not unlocked at login, reached from a run that no one watches: Unlock
// answers with a prompt, and the prompt's Completed signal never comes
// while the test runs, unless the test unlocks the service (its Unlock
// method), as a person at the desktop would. Unlocked, it keeps secrets
// in memory.
type LockedService struct {
	conn     *dbus.Conn
	shown    chan struct{}
	mu       sync.Mutex
	made     int      // prompts made so far
	open     []prompt // prompts shown (Prompt called), not yet completed
	unlocked bool
	items    map[dbus.ObjectPath]item // the unlocked collection's
	newItems int                      // items made so far
}

// item is a secret kept, with the attributes it is found by.
type item struct {
	attributes map[string]string
	secret     []byte
}

// secretValue is the Secret Service's Secret struct, (oayays).
type secretValue struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
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
	s := &LockedService{conn: conn, shown: make(chan struct{}, 64), items: map[dbus.ObjectPath]item{}}
	if err := conn.Export(service{s}, servicePath, serviceIface); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(collection{s}, collectionPath, collectionIface); err != nil {
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

// BlockedCalls counts the goroutines inside go-keyring, from a dump of
// every goroutine's stack: the calls of this process still waiting for
// the keyring, such as those blocked on a prompt nobody answers.
func BlockedCalls(t testing.TB) int {
	t.Helper()
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "github.com/zalando/go-keyring.") {
			count++
		}
	}
	return count
}

// Unlock unlocks the service, as a person typing the keyring's password
// into the prompts shown would: each completes, not dismissed, with the
// objects it unlocks, and the clients waiting on them go on; from then on
// Unlock unlocks at once, with no prompt.
func (s *LockedService) Unlock(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	open := s.open
	s.open = nil
	s.unlocked = true
	s.mu.Unlock()
	for _, p := range open {
		if err := s.conn.Emit(p.path, promptIface+".Completed", false, dbus.MakeVariant(p.objects)); err != nil {
			t.Fatalf("completing prompt %s: %v", p.path, err)
		}
	}
}

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
		if err := s.conn.Emit(p.path, promptIface+".Completed", true, dbus.MakeVariant([]dbus.ObjectPath{})); err != nil {
			t.Errorf("completing prompt %s: %v", p.path, err)
		}
	}
	if err := client.Object(busName, servicePath).Call("org.freedesktop.DBus.Peer.Ping", 0).Err; err != nil {
		t.Errorf("ping after completing the prompts: %v", err)
	}
}

// service is the org.freedesktop.Secret.Service interface, as much of it
// as go-keyring calls.
type service struct{ s *LockedService }

// OpenSession opens a session with no encryption ("plain").
func (v service) OpenSession(algorithm string, input dbus.Variant) (dbus.Variant, dbus.ObjectPath, *dbus.Error) {
	return dbus.MakeVariant(""), servicePath + "/session/1", nil
}

// Unlock, while the service is locked, unlocks nothing at once and
// returns a prompt that would unlock objects; once it is unlocked, it
// unlocks them at once.
func (v service) Unlock(objects []dbus.ObjectPath) ([]dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
	s := v.s
	s.mu.Lock()
	if s.unlocked {
		s.mu.Unlock()
		return objects, "/", nil
	}
	s.made++
	path := dbus.ObjectPath(fmt.Sprintf("%s%d", promptPathStart, s.made))
	s.mu.Unlock()
	if err := s.conn.Export(prompt{s: s, path: path, objects: objects}, path, promptIface); err != nil {
		return nil, "/", dbus.MakeFailedError(err)
	}
	return []dbus.ObjectPath{}, path, nil
}

// prompt is an org.freedesktop.Secret.Prompt nobody answers, to unlock
// objects.
type prompt struct {
	s       *LockedService
	path    dbus.ObjectPath
	objects []dbus.ObjectPath
}

// Prompt "shows" the prompt: it returns at once, and Completed never
// follows until the test unlocks the service or ends.
func (p prompt) Prompt(windowID string) *dbus.Error {
	p.s.mu.Lock()
	p.s.open = append(p.s.open, p)
	p.s.mu.Unlock()
	select {
	case p.s.shown <- struct{}{}:
	default:
	}
	return nil
}

// collection is the org.freedesktop.Secret.Collection interface of the
// one collection, as much of it as go-keyring calls; locked, it refuses
// them.
type collection struct{ s *LockedService }

// CreateItem keeps secret under the attributes in properties, in place
// of the item with the same attributes when replace is set. It needs no
// prompt.
func (c collection) CreateItem(properties map[string]dbus.Variant, secret secretValue, replace bool) (dbus.ObjectPath, dbus.ObjectPath, *dbus.Error) {
	attributes, ok := properties[itemAttributes].Value().(map[string]string)
	if !ok {
		return "/", "/", dbus.MakeFailedError(fmt.Errorf("no %s", itemAttributes))
	}
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.unlocked {
		return "/", "/", dbus.NewError(errIsLocked, nil)
	}
	if replace {
		for path, it := range s.items {
			if maps.Equal(it.attributes, attributes) {
				s.items[path] = item{attributes, secret.Value}
				return path, "/", nil
			}
		}
	}
	s.newItems++
	path := dbus.ObjectPath(fmt.Sprintf("%s%d", itemPathStart, s.newItems))
	if err := s.conn.Export(itemObject{s: s, path: path}, path, itemIface); err != nil {
		return "/", "/", dbus.MakeFailedError(err)
	}
	s.items[path] = item{attributes, secret.Value}
	return path, "/", nil
}

// SearchItems returns the items that have all of attributes.
func (c collection) SearchItems(attributes map[string]string) ([]dbus.ObjectPath, *dbus.Error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.unlocked {
		return nil, dbus.NewError(errIsLocked, nil)
	}
	found := []dbus.ObjectPath{}
	for path, it := range s.items {
		match := true
		for k, v := range attributes {
			if it.attributes[k] != v {
				match = false
			}
		}
		if match {
			found = append(found, path)
		}
	}
	return found, nil
}

// itemObject is the org.freedesktop.Secret.Item interface of one item.
type itemObject struct {
	s    *LockedService
	path dbus.ObjectPath
}

// GetSecret returns the item's secret, unencrypted (the "plain"
// session's).
func (o itemObject) GetSecret(session dbus.ObjectPath) (secretValue, *dbus.Error) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	it, ok := o.s.items[o.path]
	if !ok {
		return secretValue{}, dbus.NewError(errNoSuchObject, nil)
	}
	return secretValue{Session: session, Parameters: []byte{}, Value: it.secret, ContentType: "text/plain"}, nil
}

// Delete removes the item, with no prompt.
func (o itemObject) Delete() (dbus.ObjectPath, *dbus.Error) {
	o.s.mu.Lock()
	defer o.s.mu.Unlock()
	if _, ok := o.s.items[o.path]; !ok {
		return "/", dbus.NewError(errNoSuchObject, nil)
	}
	delete(o.s.items, o.path)
	return "/", nil
}
