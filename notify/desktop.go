package notify

import (
	"context"
	"errors"
	"os/exec"

	"github.com/godbus/dbus/v5"
)

// Desktop shows a notification on the desktop of the user running
// cakebackup: through the freedesktop.org notification service on the
// session D-Bus (Linux and the BSDs), or through osascript on macOS.
type Desktop struct {
	// GOOS picks the mechanism ("darwin": osascript, anything else:
	// D-Bus).
	GOOS string
	// Bus, when set, is the D-Bus address to use instead of the session
	// bus from the environment (tests run a private bus).
	Bus string
	// Scrub names variables to take out of osascript's environment besides
	// those that may hold a secret (secret.ScrubEnv): the ones jobs read
	// their passwords from.
	Scrub []string
}

// Name implements Notifier.
func (d Desktop) Name() string { return "desktop" }

// Notify implements Notifier. Start and success events are not shown: a
// desktop notification is for what needs the person.
func (d Desktop) Notify(ctx context.Context, e Event) error {
	if e.Kind == Start || e.Kind == Success {
		return nil
	}
	if d.GOOS == "darwin" {
		name, args := osascriptCommand(e)
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = childEnv(d.Scrub) // a password in its environment would be any reader's of it
		return cmd.Run()
	}
	return d.dbusNotify(ctx, e)
}

// osascriptCommand is the command that shows e on macOS. The text goes in
// as arguments to the script, never spliced into it.
func osascriptCommand(e Event) (string, []string) {
	script := `on run argv
display notification (item 2 of argv) with title (item 1 of argv)
end run`
	return "osascript", []string{"-e", script, e.Title(), e.Message()}
}

// notificationUrgency is the freedesktop urgency hint: 1 normal, 2
// critical (stays until dismissed).
func notificationUrgency(k Kind) byte {
	if k == Failure || k == Overdue {
		return 2
	}
	return 1
}

func (d Desktop) dbusNotify(ctx context.Context, e Event) error {
	var conn *dbus.Conn
	var err error
	if d.Bus != "" {
		conn, err = dbus.Connect(d.Bus, dbus.WithContext(ctx))
	} else {
		conn, err = dbus.ConnectSessionBus(dbus.WithContext(ctx))
	}
	if err != nil {
		return errors.New("no desktop session bus to show a notification on: " + err.Error())
	}
	defer conn.Close()
	obj := conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	hints := map[string]dbus.Variant{"urgency": dbus.MakeVariant(notificationUrgency(e.Kind))}
	call := obj.CallWithContext(ctx, "org.freedesktop.Notifications.Notify", 0,
		"cakebackup", uint32(0), "drive-harddisk", e.Title(), e.Message(), []string{}, hints, int32(-1))
	if call.Err != nil {
		return errors.New("the desktop's notification service: " + call.Err.Error())
	}
	return nil
}
