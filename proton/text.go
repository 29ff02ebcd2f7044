package proton

import (
	"time"

	"github.com/cakebackup/cakebackup/bytesize"
)

// WhoamiLine is what proton whoami says of the account whose session is
// kept in kept (SessionStore.Where): "USER (EMAIL), USED used of MAX;
// session kept in KEPT", without "of MAX" when Proton gave no quota.
func (a Account) WhoamiLine(kept string) string {
	space := bytesize.Format(a.UsedSpace) + " used"
	if a.MaxSpace > 0 {
		space += " of " + bytesize.Format(a.MaxSpace)
	}
	return a.Username + " (" + a.Email + "), " + space + "; session kept in " + kept
}

// LoggedInLine is what proton login says of the session it made and kept
// in kept (SessionStore.Where).
func (s Session) LoggedInLine(kept string) string {
	return "Logged in to Proton Drive as " + s.Username + "; the session is kept in " + kept + "."
}

// TimesLine is what proton whoami says of when the session was made and
// last renewed, in local time; a time not known is said so.
func (s Session) TimesLine() string {
	return "Session made " + sessionTime(s.Created, "at an unknown time") + ", last renewed " + sessionTime(s.Refreshed, "never")
}

// sessionTime formats a session's time, or is unknown when it is zero.
func sessionTime(t time.Time, unknown string) string {
	if t.IsZero() {
		return unknown
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}
