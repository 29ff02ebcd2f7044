// Package notify tells people and monitoring when a scheduled backup
// fails, turns overdue, or comes back: desktop notifications, pings in
// the style of Healthchecks.io, a webhook with a JSON body, and hook
// commands. A notifier that fails is reported to the caller, which logs
// it: a notification never stops a backup.
package notify

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Kind is what happened to a job.
type Kind string

// The kinds of event. Start is sent to pings only, when a run begins.
const (
	Start     Kind = "start"
	Success   Kind = "success"
	Failure   Kind = "failure"
	Overdue   Kind = "overdue"
	Recovered Kind = "recovered" // ok again after failing or being overdue
	// Skipped is sent to pings only, to end a run whose start was sent
	// but that did not happen after all: another process was doing its
	// work (Error says which). A Ping sends it as a success, with why.
	Skipped Kind = "skipped"
	// Test is sent by `cakebackup notify test` through every channel: a
	// Hook runs for it whatever its Kinds, a Ping sends it to URL/log.
	Test Kind = "test"
)

// Event is one thing worth telling about a job.
type Event struct {
	Job  string
	Kind Kind
	Time time.Time
	// Error is the failure's one line (Failure, Overdue).
	Error string
	// Fix, when known, is what the person should do, such as "run
	// `cakebackup proton login`" or "plug in the stick labelled X".
	Fix string
	// File, Size and Dests describe the backup a successful run made.
	File  string
	Size  int64
	Dests []string
}

// Title is the event's headline, such as "cakebackup: job nightly failed".
func (e Event) Title() string {
	verb := map[Kind]string{
		Start: "started", Success: "succeeded", Failure: "failed",
		Overdue: "is overdue", Recovered: "is working again", Test: "sent a test notification", Skipped: "was skipped",
	}[e.Kind]
	return fmt.Sprintf("cakebackup: job %s %s", e.Job, verb)
}

// Message is the event's body, one or two sentences.
func (e Event) Message() string {
	var parts []string
	switch e.Kind {
	case Success, Recovered:
		if e.File != "" {
			parts = append(parts, "Backup "+e.File+" saved and verified.")
		}
	case Test:
		parts = append(parts, "Notifications for this job reach you here.")
	case Failure, Overdue, Skipped:
		if e.Error != "" {
			parts = append(parts, e.Error)
		}
	}
	if e.Fix != "" {
		// The error ends its sentence before the fix starts one.
		if n := len(parts); n > 0 && !strings.HasSuffix(parts[n-1], ".") {
			parts[n-1] += "."
		}
		parts = append(parts, "To fix: "+e.Fix+".")
	}
	if len(parts) == 0 {
		return e.Title()
	}
	return strings.Join(parts, " ")
}

// Notifier delivers events somewhere.
type Notifier interface {
	// Name says where, for logs: "desktop", "ping https://hc/...".
	Name() string
	// Notify delivers e, or says why it could not.
	Notify(ctx context.Context, e Event) error
}

// Undelivered is one notifier that could not deliver an event.
type Undelivered struct {
	Notifier string
	Err      error
}

// Send delivers e through every notifier, each bounded by timeout, and
// returns the ones that failed.
func Send(ctx context.Context, notifiers []Notifier, e Event, timeout time.Duration) []Undelivered {
	var failed []Undelivered
	for _, n := range notifiers {
		nctx, cancel := context.WithTimeout(ctx, timeout)
		err := n.Notify(nctx, e)
		cancel()
		if err != nil {
			failed = append(failed, Undelivered{Notifier: n.Name(), Err: err})
		}
	}
	return failed
}
