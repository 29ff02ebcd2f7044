package inbox

import (
	"context"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/cakebackup/cakebackup/internal/errloc"
)

// eventDelay gathers the burst of events one save makes into one pass.
const eventDelay = 200 * time.Millisecond

// Watch ships exports as they arrive, until ctx is cancelled: it takes a
// pass over the folder at once, after file system events in it (through
// fsnotify: inotify, kqueue, ReadDirectoryChangesW), a settle interval
// after a pass that found a file still changing, and every poll interval
// whatever events say, which also covers folders where events do not
// work (network shares) and systems where fsnotify is unavailable. A pass
// that fails is logged and the next one tries again. Watch holds the
// inbox's lock throughout; it returns nil when ctx is cancelled and an
// error only when it cannot start.
func (in *Inbox) Watch(ctx context.Context) error {
	r, err := in.start()
	if err != nil {
		return err
	}
	defer r.close()
	if in.Started != nil {
		in.Started()
	}
	poll := in.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	var (
		events <-chan fsnotify.Event
		errs   <-chan error
	)
	if !in.PollOnly {
		w, err := fsnotify.NewWatcher()
		if err == nil {
			err = w.Add(r.dir)
		}
		if err != nil {
			in.log().Warn("no file system events: looking for exports by polling", "every", poll, "error", errloc.OneLine(err.Error()))
		} else {
			defer w.Close()
			events, errs = w.Events, w.Errors
		}
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	wake := time.NewTimer(0)
	defer wake.Stop()
	var due time.Time // when wake fires; zero when it is stopped
	at := func(d time.Duration) {
		t := time.Now().Add(d)
		if due.IsZero() || t.Before(due) {
			due = t
			wake.Reset(d)
		}
	}
	due = time.Now()
	var lastErr string
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			if !ignoredName(filepath.Base(ev.Name)) {
				at(eventDelay)
			}
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			// An overflowed event queue loses events: look at everything.
			in.log().Warn("file system events", "error", errloc.OneLine(err.Error()))
			at(0)
		case <-ticker.C:
			at(0)
		case <-wake.C:
			due = time.Time{}
			rep, err := r.pass(ctx, nil)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				if err.Error() != lastErr {
					in.log().Error("cannot look for exports", "folder", r.dir, "error", errloc.OneLine(err.Error()))
				}
				lastErr = err.Error()
				continue
			}
			lastErr = ""
			if rep.Settling() {
				at(in.settle())
			}
		}
	}
}
