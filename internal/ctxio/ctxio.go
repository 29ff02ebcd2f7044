// Package ctxio makes plain readers stop when a context is done, for long
// copies (io.Copy) from readers that take no context themselves.
package ctxio

import (
	"context"
	"io"
)

// NewReader returns a reader that reads from r until ctx is done, and from
// then on returns ctx's error. It checks ctx before each Read, so a long
// copy stops within one read of a cancellation even when r never looks
// at a context (a file) or looks only now and then (the Proton bridge's
// reader, between blocks of 4 MiB).
func NewReader(ctx context.Context, r io.Reader) io.Reader {
	return reader{ctx: ctx, r: r}
}

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
