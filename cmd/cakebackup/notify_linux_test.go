package main

import (
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/notify"
	"github.com/cakebackup/cakebackup/notify/notifytest"
)

// A USB job whose stick stays away: one notification when runs start
// failing and one when it turns overdue, each saying to plug in the stick
// by its label.
func TestScheduledStickAbsentPastWarnAfter(t *testing.T) {
	t.Parallel()
	_, det := usbStick(t, "WALLETS", 64<<20)
	rec := notifytest.NewRecorder(t)
	s := newScheduleCLI(t)
	s.drives = det
	s.mustRun("schedule", "add", "nightly", "--source", sampleWallets, "--dest", "usb:WALLETS",
		"--every", "24h", "--password-file", s.pw, "--webhook", rec.URL+"/hook")
	s.mustRun("schedule", "run", "--once")
	// The stick is unplugged: no removable drive is found any more.
	s.drives = &local.Detector{SysRoot: t.TempDir(), DevRoot: t.TempDir(), RunRoot: t.TempDir(), MountRoots: []string{}}
	for _, age := range []time.Duration{25 * time.Hour, 25 * time.Hour, 25 * time.Hour} {
		s.pretendLastSuccessWas(t, "nightly", age)
		if code := s.run("schedule", "run", "--once"); code != exitFailure {
			t.Fatalf("a run without the stick: exit %d", code)
		}
	}
	events := notifytest.JSONBodies[notify.WebhookBody](t, rec, "/hook")
	if len(events) != 2 || events[0].Event != notify.Failure || events[1].Event != notify.Overdue {
		t.Fatalf("webhook events %+v", events)
	}
	for _, e := range events {
		if e.Fix != "plug in the stick labelled WALLETS" || !strings.Contains(e.Message, "To fix: plug in the stick labelled WALLETS.") {
			t.Errorf("event %+v", e)
		}
	}
	if code := s.run("schedule", "status"); code != exitFailure || !strings.Contains(s.stdout.String(), "OVERDUE") ||
		!strings.Contains(s.stdout.String(), "to fix: plug in the stick labelled WALLETS") {
		t.Fatalf("status: exit %d\n%s", code, s.stdout.String())
	}
}
