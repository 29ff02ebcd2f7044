package secret

import (
	"errors"
	"testing"
	"time"
)

// TestGiveUpOnReturnedCall: a caller whose timeout comes as the call it
// waits for returns gets no *TimeoutError, and nothing is recorded on
// that call, since nothing would act on it (a delete marked on it would
// be lost); on a call still running, giving up is recorded as before.
func TestGiveUpOnReturnedCall(t *testing.T) {
	k := &OSKeyring{}
	e := entry{"cakebackup-test", "giveup"}
	for _, tc := range []struct {
		name     string
		returned bool
	}{{"returned", true}, {"still running", false}} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := k.claim(e)
			if tc.returned {
				k.release(e, c)
			}
			err := k.giveUp(e, c, time.Second, true)
			var te *TimeoutError
			if got := errors.As(err, &te); got == tc.returned {
				t.Errorf("giveUp = %v; want a *TimeoutError: %v", err, !tc.returned)
			}
			if marked := c.thenDelete || c.gaveUp > 0; marked == tc.returned {
				t.Errorf("recorded on the call (delete %v, gave up %v); want recorded: %v", c.thenDelete, c.gaveUp, !tc.returned)
			}
			if !tc.returned {
				c.thenDelete = false // no keyring here to delete from
				k.release(e, c)
			}
		})
	}
}
