package proton

import "time"

// StaleSessionAge is how long a session may go unrenewed before
// scheduled runs warn that it may soon expire. Refresh tokens are
// reported to last about a month (rclone's protondrive users; not
// confirmed by Proton), so 20 days leaves time to log in again before
// backups stop.
const StaleSessionAge = 20 * 24 * time.Hour

// Age is how long before now the session was last renewed (or made, if
// never renewed); ok is false when the session says neither.
func (s Session) Age(now time.Time) (age time.Duration, ok bool) {
	last := s.Refreshed
	if last.IsZero() {
		last = s.Created
	}
	if last.IsZero() {
		return 0, false
	}
	return now.Sub(last), true
}
