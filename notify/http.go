package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Ping reports runs to a dead man's switch in the style of
// Healthchecks.io: URL/start when a run begins, URL when it succeeds,
// URL/fail with the error line as the body when it fails, URL with
// "skipped: " and why as the body when a started run did not happen after
// all (so the monitor sees it end, not hang), and a test to
// URL/log, which Healthchecks.io records without counting it as a
// success or a failure (https://healthchecks.io/docs/http_api/). The service
// itself notices a job that stopped pinging, so overdue and recovered
// events send nothing.
type Ping struct {
	URL    string
	Client *http.Client // nil: http.DefaultClient
}

// Name implements Notifier.
func (p Ping) Name() string { return "ping " + p.URL }

// Notify implements Notifier.
func (p Ping) Notify(ctx context.Context, e Event) error {
	base := strings.TrimSuffix(p.URL, "/")
	var url, body string
	switch e.Kind {
	case Start:
		url = base + "/start"
	case Success:
		url = base
	case Failure:
		url, body = base+"/fail", e.Error
	case Skipped:
		url, body = base, "skipped: "+e.Error
	case Test:
		url, body = base+"/log", e.Message()
	default:
		return nil
	}
	return post(ctx, p.Client, url, "text/plain; charset=utf-8", []byte(body), nil)
}

// Webhook POSTs every event as a JSON object to URL. The object carries
// "title" and "message" for services that show them (ntfy reads them
// from the Title header and the body's "message" when published as
// JSON), and the event's facts for scripts.
type Webhook struct {
	URL    string
	Client *http.Client // nil: http.DefaultClient
}

// WebhookBody is the JSON a Webhook sends.
type WebhookBody struct {
	Title   string    `json:"title"`
	Message string    `json:"message"`
	Job     string    `json:"job"`
	Event   Kind      `json:"event"`
	Time    time.Time `json:"time"`
	Error   string    `json:"error,omitempty"`
	Fix     string    `json:"fix,omitempty"`
	File    string    `json:"file,omitempty"`
	Size    int64     `json:"size,omitempty"`
	Dests   []string  `json:"destinations,omitempty"`
}

// Name implements Notifier.
func (w Webhook) Name() string { return "webhook " + w.URL }

// Notify implements Notifier.
func (w Webhook) Notify(ctx context.Context, e Event) error {
	if e.Kind == Start {
		return nil
	}
	body, err := json.Marshal(WebhookBody{
		Title: e.Title(), Message: e.Message(), Job: e.Job, Event: e.Kind, Time: e.Time,
		Error: e.Error, Fix: e.Fix, File: e.File, Size: e.Size, Dests: e.Dests,
	})
	if err != nil {
		return err
	}
	return post(ctx, w.Client, w.URL, "application/json", body, map[string]string{"Title": e.Title()})
}

// post sends one request and wants a 2xx answer.
func post(ctx context.Context, c *http.Client, url, contentType string, body []byte, header map[string]string) error {
	if c == nil {
		c = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "cakebackup")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}
