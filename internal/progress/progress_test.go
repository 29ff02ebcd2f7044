package progress

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestProgressUsesIECUnits: the bar counts in KiB and MiB, as every other
// size cakebackup prints (bytesize), not in kB and MB.
func TestProgressUsesIECUnits(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := New(&out, true, "Backing up", "") // on, as on a terminal
	p.Start(3 << 20)
	p.Add(3 << 19)
	got := out.String()
	if !strings.Contains(got, "(1.5/3.0 MiB, ") || !strings.Contains(got, "iB/s") {
		t.Errorf("progress shows %q; want \"(1.5/3.0 MiB, \" and a rate in KiB/s, MiB/s or GiB/s", got)
	}
	for _, si := range []string{" kB", " MB"} {
		if strings.Contains(got, si) {
			t.Errorf("progress shows %q, in SI units (%s)", got, si)
		}
	}
}

// TestBar: what a bar writes as the bytes come in, read through Counting
// or added by hand, held or not, on or off.
func TestBar(t *testing.T) {
	t.Parallel()
	const size = 4 << 20
	tests := []struct {
		name     string
		on, hold bool
		show     bool // call Show after the reads
		doneNote string
		want     []string // in what the bar wrote
		wantNone bool     // it wrote nothing
	}{
		{name: "off", on: false, doneNote: "Verifying...", wantNone: true},
		{name: "off and held", on: false, hold: true, show: true, wantNone: true},
		{name: "on", on: true, want: []string{"Reading", "4.0 MiB"}},
		{name: "on with a done note", on: true, doneNote: "Verifying...", want: []string{"Reading", "Verifying...\n"}},
		{name: "held, never shown", on: true, hold: true, wantNone: true},
		// All bytes were read while held: shown, the bar takes them at once
		// and is done.
		{name: "held, then shown", on: true, hold: true, show: true, doneNote: "Verifying...", want: []string{"Verifying...\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			p := New(&out, tt.on, "Reading", tt.doneNote)
			if tt.hold {
				p.Hold()
			}
			data := bytes.Repeat([]byte{1}, size)
			r := p.Counting(bytes.NewReader(data), size)
			got, err := io.ReadAll(io.NewSectionReader(r, 0, size))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("read %d bytes through Counting, err %v; want all %d", len(got), err, size)
			}
			if tt.show {
				p.Show()
			}
			p.Finish(true)
			s := out.String()
			if tt.wantNone && s != "" {
				t.Errorf("wrote %q, want nothing", s)
			}
			for _, w := range tt.want {
				if !strings.Contains(s, w) {
					t.Errorf("wrote %q, without %q", s, w)
				}
			}
			if n := strings.Count(s, "Verifying..."); n > 1 {
				t.Errorf("wrote the done note %d times: %q", n, s)
			}
		})
	}
}

// TestCountingOffReturnsTheReader: a bar that is off reads straight from
// the reader it was given.
func TestCountingOffReturnsTheReader(t *testing.T) {
	t.Parallel()
	r := bytes.NewReader([]byte("x"))
	if got := New(io.Discard, false, "Reading", "").Counting(r, 1); got != io.ReaderAt(r) {
		t.Errorf("Counting on a bar that is off returned %T, not the reader", got)
	}
}
