package notify

import "io"

// PrefixLines returns a writer that starts each line written through it
// with prefix, as `notify test` shows a hook's output (Hook.Output): its
// stdout and stderr go through one, one Write at a time.
func PrefixLines(w io.Writer, prefix string) io.Writer {
	return &prefixWriter{w: w, prefix: prefix}
}

// prefixWriter is PrefixLines' writer.
type prefixWriter struct {
	w      io.Writer
	prefix string
	mid    bool // in the middle of a line
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	var out []byte
	for _, c := range b {
		if !p.mid {
			out = append(out, p.prefix...)
		}
		out = append(out, c)
		p.mid = c != '\n'
	}
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}
