// Package progress shows how far a long piece of work on bytes has come
// (bytes done, rate, time left) as a bar on a terminal, and nothing when
// it is off: logs of scheduled runs stay clean. The caller decides
// whether it is on; a bar that is off costs nothing.
package progress

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Bar is the progress display of one piece of work. Its zero value is
// off; use [New].
type Bar struct {
	out         io.Writer
	bar         *progressbar.ProgressBar
	off         bool
	done, total int64
	label       string // what is being done, e.g. "Backing up"
	doneNote    string // a line printed once all bytes are in, or ""
	// held keeps the bar from showing until Show is called: a command
	// that opens its file before a prompt must not draw over the prompt.
	// Bytes read meanwhile are counted in pending.
	held    bool
	pending int64
}

// New returns a bar on w labelled label ("Backing up"), shown only when
// on. doneNote, unless "", is a line printed once all bytes are in, for
// work that goes on after them ("Verifying the stored copy...").
func New(w io.Writer, on bool, label, doneNote string) *Bar {
	return &Bar{out: w, off: !on, label: label, doneNote: doneNote}
}

// Hold keeps the bar from showing until [Bar.Show]; bytes counted
// meanwhile are added then.
func (p *Bar) Hold() { p.held = true }

// Counting returns r, counting what is read from it on p (over its size
// bytes): the bar starts now, or when Show is called if it is held.
func (p *Bar) Counting(r io.ReaderAt, size int64) io.ReaderAt {
	if p.off {
		return r
	}
	if p.held {
		p.total = size
	} else {
		p.Start(size)
	}
	return readCounter{r: r, add: p.Add}
}

// Show starts a held bar (see [Bar.Hold]), with the bytes read so far.
func (p *Bar) Show() {
	if p.off || !p.held {
		return
	}
	p.held = false
	if p.total == 0 {
		return
	}
	p.Start(p.total)
	pending := p.pending
	p.pending = 0
	p.Add(pending)
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

// Start shows the bar for total bytes.
func (p *Bar) Start(total int64) {
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

// Add counts n more bytes done. Once all are in, the bar clears itself
// and the done note, if any, is printed: the work that follows (reading
// the stored copy back and checking it) takes a while for a large file.
func (p *Bar) Add(n int64) {
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

// Finish removes the bar; ok says whether the work completed.
func (p *Bar) Finish(ok bool) {
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
