package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows bytes, rate and time left on a terminal, and nothing
// anywhere else: logs of scheduled runs stay clean.
type progress struct {
	out         io.Writer
	bar         *progressbar.ProgressBar
	off         bool
	done, total int64
}

// newProgress returns a progress display on w, which stays silent when
// quiet is set or w is not a terminal.
func newProgress(w io.Writer, quiet bool) *progress {
	return &progress{out: w, off: quiet || !isTerminal(w)}
}

// start shows the bar for total bytes.
func (p *progress) start(total int64) {
	if p.off {
		return
	}
	p.total = total
	p.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(p.out),
		progressbar.OptionSetDescription("Backing up"),
		progressbar.OptionShowBytes(true),
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
	if p.bar == nil || p.done >= p.total {
		return
	}
	_ = p.bar.Add64(n)
	p.done += n
	if p.done >= p.total {
		fmt.Fprintln(p.out, "Verifying the stored copy...")
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
