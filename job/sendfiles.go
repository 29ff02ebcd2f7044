package job

import (
	"context"
	"errors"
	"fmt"

	"github.com/cakebackup/cakebackup/internal/interrupt"
)

// SentFile is one file's outcome of SendFiles: what Send shipped of it,
// if anything, and why it was not sent everywhere, if it was not.
type SentFile struct {
	File string
	Sent *Sent
	Err  error
}

// SentFiles are the outcomes of SendFiles, one per file, in order.
type SentFiles []SentFile

// FilesError is SendFiles' error when several files were not sent
// everywhere; it wraps the first one's error.
type FilesError struct {
	// Failed of Of files were not sent everywhere; First is the first's error.
	Failed, Of int
	First      error
}

// Error counts the files that failed and gives the first one's error.
func (e *FilesError) Error() string {
	return fmt.Sprintf("%d of %d files were not sent everywhere; the first: %s", e.Failed, e.Of, e.First)
}

// Unwrap returns the first failed file's error.
func (e *FilesError) Unwrap() error { return e.First }

// SendFiles sends each of files in turn as Send sends s, with each file
// as s.File, once CheckFile found it is a file to send. A file that
// fails does not stop the ones after it. done, when not nil, is called
// with each file's outcome as soon as it is known. The error is nil when
// every file was sent everywhere, the file's error when one was not, and
// a *FilesError when more were not.
func SendFiles(ctx context.Context, open Opener, files []string, s Shipment, done func(SentFile)) (SentFiles, error) {
	var out SentFiles
	var failed []error
	for _, file := range files {
		s.File = file
		var sent *Sent
		err := CheckFile(file)
		if err == nil {
			sent, err = Send(ctx, open, s)
		}
		if err = Interrupted(ctx, err); err != nil {
			failed = append(failed, err)
		}
		if sent != nil {
			for i := range sent.Stores {
				sent.Stores[i].Err = Interrupted(ctx, sent.Stores[i].Err)
			}
		}
		out = append(out, SentFile{File: file, Sent: sent, Err: err})
		if done != nil {
			done(out[len(out)-1])
		}
	}
	switch len(failed) {
	case 0:
		return out, nil
	case 1:
		return out, failed[0]
	}
	return out, &FilesError{Failed: len(failed), Of: len(files), First: failed[0]}
}

// Interrupted is err, or, when a signal ended ctx (interrupt.OnSignal)
// and err is only the context ending ("context canceled"), the signal's
// *interrupt.Error ("interrupted"): what a file or a destination stopped
// by Ctrl-C or SIGTERM reports.
func Interrupted(ctx context.Context, err error) error {
	if _, signalled := interrupt.Code(ctx); signalled && errors.Is(err, context.Canceled) {
		return context.Cause(ctx)
	}
	return err
}
