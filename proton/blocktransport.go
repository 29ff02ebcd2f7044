package proton

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// storageTokenHeader marks requests to Proton's block storage servers.
const storageTokenHeader = "pm-storage-token"

// maxBlockRequest bounds the block upload bodies kept for a retry: a
// 4 MiB encrypted block, its signature and the multipart framing.
const maxBlockRequest = 8 << 20

// blockTransport makes go-proton-api's retries of block transfers work.
//
// go-proton-api (through resty) retries a request after a dropped
// connection, a 429 or a 503, but it re-sends a block upload from the
// io.Reader the first try already drained, so the retry carries a short
// body that the server rejects as a bad block. This transport keeps the
// first body of each block upload, by its storage token, and sends that
// on every try, until the block is stored.
//
// Block downloads are fetched with the response unparsed, so a 5xx or 429
// body would be handed to the decryption as if it were the block. This
// transport turns a non-200 answer into an error, which resty retries and
// which translates to what it means.
type blockTransport struct {
	next http.RoundTripper

	mu     sync.Mutex
	bodies map[string]blockBody
}

// blockBody is a block upload's request body and its content type, which
// names the multipart boundary used in the body.
type blockBody struct {
	data        []byte
	contentType string
}

func newBlockTransport(next http.RoundTripper) *blockTransport {
	return &blockTransport{next: next, bodies: map[string]blockBody{}}
}

// blockStatusError is a block storage server's non-200 answer.
type blockStatusError struct {
	Method string
	Status int
}

func (e *blockStatusError) Error() string {
	return fmt.Sprintf("block storage answered %s with HTTP %d %s", e.Method, e.Status, http.StatusText(e.Status))
}

// RoundTrip implements http.RoundTripper.
func (t *blockTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	token := req.Header.Get(storageTokenHeader)
	switch {
	case token == "":
		return t.next.RoundTrip(req)
	case req.Method == http.MethodGet:
		return t.download(req)
	case req.Method == http.MethodPost && req.Body != nil:
		return t.upload(req, token)
	}
	return t.next.RoundTrip(req)
}

func (t *blockTransport) download(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	if err != nil || res.StatusCode == http.StatusOK {
		return res, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	return nil, &blockStatusError{Method: req.Method, Status: res.StatusCode}
}

// readBody reads a block upload's body, up to maxBlockRequest+1 bytes,
// into one buffer of the announced length when there is one: growing a
// buffer while reading a 4 MiB body leaves as much again as garbage.
func readBody(req *http.Request) ([]byte, error) {
	if n := req.ContentLength; n > 0 && n <= maxBlockRequest {
		data := make([]byte, n)
		if _, err := io.ReadFull(req.Body, data); err != nil {
			return nil, err
		}
		return data, nil
	}
	return io.ReadAll(io.LimitReader(req.Body, maxBlockRequest+1))
}

func (t *blockTransport) upload(req *http.Request, token string) (*http.Response, error) {
	t.mu.Lock()
	body, seen := t.bodies[token]
	t.mu.Unlock()
	if !seen {
		data, err := readBody(req)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = blockBody{data: data, contentType: req.Header.Get("Content-Type")}
		if len(data) <= maxBlockRequest {
			t.mu.Lock()
			t.bodies[token] = body
			t.mu.Unlock()
		}
	} else {
		// A retry: its own body may be short; the first one is whole.
		req.Body.Close()
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(body.data))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body.data)), nil }
	out.ContentLength = int64(len(body.data))
	out.Header.Set("Content-Type", body.contentType)
	res, err := t.next.RoundTrip(out)
	if err == nil && res.StatusCode != http.StatusTooManyRequests && res.StatusCode < 500 {
		// Stored, or refused for good: no retry will need the body.
		t.mu.Lock()
		delete(t.bodies, token)
		t.mu.Unlock()
	}
	return res, err
}
