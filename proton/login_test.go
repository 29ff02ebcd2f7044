package proton

import (
	"context"
	"errors"
	"testing"
)

// scriptedAsker answers from fixed answers and counts the questions.
type scriptedAsker struct {
	code, mailbox string
	asked         []string
}

var errNobodyToAsk = errors.New("nobody to ask")

func (a *scriptedAsker) TwoFactorCode(context.Context) (string, error) {
	a.asked = append(a.asked, "code")
	if a.code == "" {
		return "", errNobodyToAsk
	}
	return a.code, nil
}

func (a *scriptedAsker) MailboxPassword(context.Context) (string, error) {
	a.asked = append(a.asked, "mailbox")
	if a.mailbox == "" {
		return "", errNobodyToAsk
	}
	return a.mailbox, nil
}

// TestLoginAsking drives the order of the login dialogue with a login
// that answers as Proton-API-Bridge does for such accounts;
// cmd/cakebackup's proton_2fa_test.go runs it against the fake server.
func TestLoginAsking(t *testing.T) {
	const code, mailbox = "123456", "mailbox secret"
	for _, tc := range []struct {
		name      string
		needs2FA  bool
		needsMbox bool
		cred      Credentials
		ask       scriptedAsker
		want      error // nil: logged in
		wantAsked int
	}{
		{name: "plain account"},
		{name: "2FA asked", needs2FA: true, ask: scriptedAsker{code: code}, wantAsked: 1},
		{name: "2FA given", needs2FA: true, cred: Credentials{TwoFactorCode: code}},
		{name: "2FA then mailbox password", needs2FA: true, needsMbox: true, ask: scriptedAsker{code: code, mailbox: mailbox}, wantAsked: 2},
		{name: "2FA missing", needs2FA: true, want: errNobodyToAsk, wantAsked: 1},
		{name: "mailbox password missing", needsMbox: true, want: errNobodyToAsk, wantAsked: 1},
		{name: "wrong 2FA code is not asked again", needs2FA: true, ask: scriptedAsker{code: "000000"}, want: ErrWrongTwoFactor, wantAsked: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			login := func(_ context.Context, c Credentials) (Session, error) {
				calls++
				if calls > 5 {
					t.Fatal("login loops")
				}
				switch {
				case tc.needs2FA && c.TwoFactorCode == "":
					return Session{}, ErrTwoFactorRequired
				case tc.needs2FA && c.TwoFactorCode != code:
					return Session{}, ErrWrongTwoFactor
				case tc.needsMbox && c.MailboxPassword == "":
					return Session{}, ErrMailboxPasswordRequired
				case tc.needsMbox && c.MailboxPassword != mailbox:
					return Session{}, ErrKeysLocked
				}
				return Session{Username: c.Username}, nil
			}
			cred := tc.cred
			cred.Username, cred.Password = "ana", "pw"
			ask := tc.ask
			s, err := LoginAsking(context.Background(), login, cred, &ask)
			if tc.want != nil {
				if !errors.Is(err, tc.want) {
					t.Fatalf("LoginAsking = %v, want %v", err, tc.want)
				}
			} else if err != nil || s.Username != "ana" {
				t.Fatalf("LoginAsking = %v, %v; want logged in", s, err)
			}
			if len(ask.asked) != tc.wantAsked {
				t.Errorf("asked %v, want %d questions", ask.asked, tc.wantAsked)
			}
		})
	}
}
