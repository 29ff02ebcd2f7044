package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestProgressUsesIECUnits: the bar counts in KiB and MiB, as every other
// size cakebackup prints (bytesize), not in kB and MB.
func TestProgressUsesIECUnits(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	p := &progress{out: &out, label: "Backing up"} // on, as on a terminal
	p.start(3 << 20)
	p.add(3 << 19)
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
