package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/cakebackup/cakebackup/destinations"
)

// progress shows bytes, rate and time left on a terminal, and nothing
// anywhere else: logs of scheduled runs stay clean.
type progress struct {
	out         io.Writer
	bar         *progressbar.ProgressBar
	off         bool
	done, total int64
	label       string // what is being done, e.g. "Backing up"
	doneNote    string // a line printed once all bytes are in, or ""
	// held keeps the bar from showing until show is called: a command
	// that opens its backup before a prompt must not draw over the prompt.
	// Bytes read meanwhile are counted in pending.
	held    bool
	pending int64
}

// newProgress returns the progress display of a backup being made on w,
// which stays silent when quiet is set or w is not a terminal.
func newProgress(w io.Writer, quiet bool) *progress {
	return &progress{out: w, off: quiet || !isTerminal(w), label: "Backing up", doneNote: "Verifying the stored copy..."}
}

// newReadProgress is newProgress for reading a backup (verify, restore):
// the bytes counted are those read from the backup file.
func newReadProgress(w io.Writer, quiet bool, label string) *progress {
	return &progress{out: w, off: quiet || !isTerminal(w), label: label}
}

// countReads returns r, counting what is read from it on e.readProgress
// (over r's whole size) when a command set one.
func (e *env) countReads(r destinations.Reader) io.ReaderAt {
	p := e.readProgress
	if p == nil || p.off {
		return r
	}
	if p.held {
		p.total = r.Size()
		return readCounter{r: r, add: p.add}
	}
	p.start(r.Size())
	return readCounter{r: r, add: p.add}
}

// show starts a held bar (see progress.held), with the bytes read so far.
func (p *progress) show() {
	if p.off || !p.held {
		return
	}
	p.held = false
	if p.total == 0 {
		return
	}
	p.start(p.total)
	pending := p.pending
	p.pending = 0
	p.add(pending)
}

// readCounter is an io.ReaderAt that reports the bytes read through it.
type readCounter struct {
	r   io.ReaderAt
	add func(n int64)
}

func (c readCounter) ReadAt(b []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(b, off)
	c.add(int64(n))
	return n, err
}

// start shows the bar for total bytes.
func (p *progress) start(total int64) {
	if p.off {
		return
	}
	p.total, p.done = total, 0
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.out),
		progressbar.OptionSetDescription(p.label),
		progressbar.OptionShowBytes(true),
		// KiB, MiB: the units of every other size cakebackup prints
		// (bytesize), not the bar's default kB, MB.
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)
}

// add counts n more bytes done. Once all are in, the bar clears itself
// and a line says that the stored copy is being read back and checked,
// which for a large backup takes a while.
func (p *progress) add(n int64) {
	if p.held {
		p.pending += n
		return
	}
	if p.bar == nil || p.done >= p.total {
		return
	}
	_ = p.bar.Add64(n)
	p.done += n
	if p.done >= p.total && p.doneNote != "" {
		fmt.Fprintln(p.out, p.doneNote)
	}
}

// finish removes the bar; ok says whether the work completed.
func (p *progress) finish(ok bool) {
	if p.bar == nil {
		return
	}
	if ok {
		_ = p.bar.Finish()
	} else {
		_ = p.bar.Clear()
	}
	p.bar = nil
}
