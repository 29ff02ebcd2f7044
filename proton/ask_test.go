package proton

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/secret"
)

// emptyTerminal answers as a terminal does when Enter alone is typed.
type emptyTerminal struct{ prompts []string }

func (p *emptyTerminal) Line(_ context.Context, prompt string) (string, error) {
	p.prompts = append(p.prompts, "line "+prompt)
	return "", secret.ErrNoAnswer // a visible answer left empty
}

func (p *emptyTerminal) Hidden(_ context.Context, prompt string) (string, error) {
	p.prompts = append(p.prompts, "hidden "+prompt)
	return "", secret.ErrEmpty
}

// TestPromptAsker: each question is asked with its prompt, secrets
// hidden; one nobody answers is an *AnswerError saying which.
func TestPromptAsker(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		q          Question
		stdin      string
		want       string
		wantPrompt string // as asked on a terminal
		wantEmpty  string // the error for an empty answer on a terminal
	}{
		{AskUsername, "ana@proton.me\n", "ana@proton.me", "line Proton username: ", "proton username needed"},
		{AskPassword, "pass word\n", "pass word", "hidden Proton password: ", "proton password is empty"},
		{AskTwoFactorCode, " 123456 \n", "123456", "line Two-factor code: ", "two-factor code needed"},
		{AskMailboxPassword, "mbox\n", "mbox", "hidden Mailbox password: ", "mailbox password is empty"},
	} {
		t.Run(string(tc.q), func(t *testing.T) {
			got, err := PromptAsker{P: secret.NewPrompter(strings.NewReader(tc.stdin), io.Discard)}.Ask(ctx, tc.q)
			if err != nil || got != tc.want {
				t.Errorf("Ask = %q, %v; want %q", got, err, tc.want)
			}
			_, err = PromptAsker{P: secret.NewPrompter(strings.NewReader(""), io.Discard)}.Ask(ctx, tc.q)
			var ae *AnswerError
			if !errors.As(err, &ae) || ae.Question != tc.q || err.Error() != string(tc.q)+" needed" {
				t.Errorf("Ask without an answer = %v, want %q", err, string(tc.q)+" needed")
			}
			term := &emptyTerminal{}
			_, err = PromptAsker{P: term}.Ask(ctx, tc.q)
			if err == nil || err.Error() != tc.wantEmpty {
				t.Errorf("Ask with an empty answer = %v, want %q", err, tc.wantEmpty)
			}
			if len(term.prompts) != 1 || term.prompts[0] != tc.wantPrompt {
				t.Errorf("asked %q, want %q", term.prompts, tc.wantPrompt)
			}
		})
	}
}
