package inbox

import "time"

// SetClock makes in time retention owed at a destination by now.
func SetClock(in *Inbox, now func() time.Time) { in.now = now }

// RetryDelay is retryDelay, for the tests.
func RetryDelay(tries int) time.Duration { return retryDelay(tries) }
