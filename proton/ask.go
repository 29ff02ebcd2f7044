package proton

import (
	"context"
	"errors"

	"github.com/cakebackup/cakebackup/secret"
)

// Prompter asks a person for an answer, shown as it is typed (Line) or
// hidden (Hidden); *secret.Prompter is one. With nobody to ask it returns
// secret.ErrNoAnswer, for an empty answer secret.ErrEmpty.
type Prompter interface {
	Line(ctx context.Context, prompt string) (string, error)
	Hidden(ctx context.Context, prompt string) (string, error)
}

// Question is something a login asks the person for; its value is how
// messages name it.
type Question string

// The questions of a login, in the order they are asked.
const (
	AskUsername        Question = "proton username"
	AskPassword        Question = "proton password"
	AskTwoFactorCode   Question = "two-factor code"
	AskMailboxPassword Question = "mailbox password"
)

// AnswerError is a login question that got no answer: nobody was there to
// ask (Empty false: "proton username needed"), or the answer typed was
// empty ("proton username is empty").
type AnswerError struct {
	Question Question
	Empty    bool
}

// Error implements error.
func (e *AnswerError) Error() string {
	if e.Empty {
		return string(e.Question) + " is empty"
	}
	return string(e.Question) + " needed"
}

// PromptAsker is the Asker that asks a person, through P, with a prompt
// per Question ("Proton username: "); secrets are asked hidden. An
// unanswered question is an *AnswerError.
type PromptAsker struct{ P Prompter }

// Ask asks the person q.
func (a PromptAsker) Ask(ctx context.Context, q Question) (string, error) {
	var s string
	var err error
	switch q {
	case AskUsername:
		s, err = a.P.Line(ctx, "Proton username: ")
	case AskPassword:
		s, err = a.P.Hidden(ctx, "Proton password: ")
	case AskTwoFactorCode:
		s, err = a.P.Line(ctx, "Two-factor code: ")
	default:
		s, err = a.P.Hidden(ctx, "Mailbox password: ")
	}
	switch {
	case errors.Is(err, secret.ErrNoAnswer):
		return "", &AnswerError{Question: q}
	case errors.Is(err, secret.ErrEmpty):
		return "", &AnswerError{Question: q, Empty: true}
	}
	return s, err
}

// TwoFactorCode implements Asker.
func (a PromptAsker) TwoFactorCode(ctx context.Context) (string, error) {
	return a.Ask(ctx, AskTwoFactorCode)
}

// MailboxPassword implements Asker.
func (a PromptAsker) MailboxPassword(ctx context.Context) (string, error) {
	return a.Ask(ctx, AskMailboxPassword)
}
