package main

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// jsonVarying matches what differs from run to run in a command's JSON:
// checksums, times, a generated password, the inner archive's size
// (deflate's output varies with the time in README.txt).
var jsonVarying = regexp.MustCompile(`"(inner_sha512|sha512|created|generated_password)": "[^"]*"|"(plain_size)": [0-9]+`)

// jsonSize matches a size in a command's JSON.
var jsonSize = regexp.MustCompile(`"size": ([0-9]+)`)

// wholeJSON is out with the run's folders named by their placeholders
// (dirs: placeholder to folder), what varies from run to run
// (jsonVarying) as its key in capitals, and the size of any backup file
// in those folders, as "SIZE".
func wholeJSON(out string, dirs map[string]string) string {
	sizes := map[string]bool{}
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
				sizes[strconv.FormatInt(fi.Size(), 10)] = true
			}
		}
	}
	out = jsonSize.ReplaceAllStringFunc(out, func(s string) string {
		if sizes[jsonSize.FindStringSubmatch(s)[1]] {
			return `"size": "SIZE"`
		}
		return s
	})
	for _, name := range slices.Sorted(maps.Keys(dirs)) {
		out = strings.ReplaceAll(out, dirs[name], name)
	}
	return jsonVarying.ReplaceAllStringFunc(out, func(s string) string {
		key := s[1 : strings.Index(s[1:], `"`)+1]
		return `"` + key + `": "` + strings.ToUpper(key) + `"`
	})
}

// TestJSONWhole compares the whole JSON object that create, send,
// verify, inspect and restore print, byte for byte but for checksums,
// times, sizes that vary and a generated password: keys, their order, the values and what
// is left out.
func TestJSONWhole(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file, pwFile := sampleBackup(t)
	dirs := map[string]string{"BACKUPDIR": filepath.Dir(file), "BACKUP": filepath.Base(file), "DEST": t.TempDir(), "DEST2": t.TempDir(), "TMP": t.TempDir()}
	missing := filepath.Join(dirs["TMP"], "missing")
	restoreTo := filepath.Join(dirs["TMP"], "r")
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"create", "--source", sampleWallets, "--settings", sampleSettings, "--name", "n", "--dest", "folder:" + dirs["DEST"], "--dest", "folder:" + missing, "--password-file", pwFile}, exitFailure, `{
  "location": "DEST/n",
  "name": "n",
  "size": "SIZE",
  "chunks": 1,
  "app_can_import": false,
  "inner_sha512": "INNER_SHA512",
  "verified": false,
  "destinations": [
    {
      "dest": "folder:DEST",
      "ok": true,
      "name": "n",
      "location": "DEST/n",
      "size": "SIZE"
    },
    {
      "dest": "folder:TMP/missing",
      "ok": false,
      "error": "folder TMP/missing does not exist"
    }
  ]
}
`},
		{[]string{"create", "--source", sampleWallets, "--name", "g", "--dest", "folder:" + dirs["DEST"]}, 0, `{
  "location": "DEST/g",
  "name": "g",
  "size": "SIZE",
  "chunks": 1,
  "app_can_import": false,
  "inner_sha512": "INNER_SHA512",
  "verified": true,
  "destinations": [
    {
      "dest": "folder:DEST",
      "ok": true,
      "name": "g",
      "location": "DEST/g",
      "size": "SIZE"
    }
  ],
  "generated_password": "GENERATED_PASSWORD"
}
`},
		{[]string{"send", file, missing, "--dest", "folder:" + dirs["DEST2"], "--dest", "folder:" + dirs["DEST"]}, exitUsage, `{
  "files": [
    {
      "file": "BACKUPDIR/BACKUP",
      "ok": true,
      "size": "SIZE",
      "sha512": "SHA512",
      "made_by": "cakebackup",
      "destinations": [
        {
          "dest": "folder:DEST2",
          "ok": true,
          "name": "BACKUP",
          "location": "DEST2/BACKUP",
          "size": "SIZE"
        },
        {
          "dest": "folder:DEST",
          "ok": true,
          "name": "BACKUP",
          "location": "DEST/BACKUP",
          "size": "SIZE"
        }
      ]
    },
    {
      "file": "TMP/missing",
      "ok": false,
      "error": "TMP/missing: no such backup file",
      "exit_code": 2
    }
  ]
}
`},
		{[]string{"send", file, "--dest", "folder:" + dirs["DEST2"]}, 0, `{
  "files": [
    {
      "file": "BACKUPDIR/BACKUP",
      "ok": true,
      "size": "SIZE",
      "sha512": "SHA512",
      "made_by": "cakebackup",
      "destinations": [
        {
          "dest": "folder:DEST2",
          "ok": true,
          "already_there": true,
          "name": "BACKUP",
          "location": "DEST2/BACKUP",
          "size": "SIZE"
        }
      ]
    }
  ]
}
`},
		{[]string{"verify", file}, 0, `{
  "file": "BACKUPDIR/BACKUP",
  "ok": true,
  "level": "checksums",
  "chunks": 1
}
`},
		{[]string{"verify", file, "--password-file", pwFile}, 0, `{
  "file": "BACKUPDIR/BACKUP",
  "ok": true,
  "level": "full",
  "chunks": 1
}
`},
		{[]string{"inspect", file}, 0, `{
  "file": "BACKUPDIR/BACKUP",
  "version": 3,
  "made_by": "cakebackup",
  "for_app": "Cake Wallet",
  "app_version": "cakebackup 0.1.0",
  "created": "CREATED",
  "size": "SIZE",
  "plain_size": "PLAIN_SIZE",
  "chunks": 1,
  "inner_sha512": "INNER_SHA512",
  "decrypted": false,
  "app_can_import": false
}
`},
		{[]string{"inspect", file, "--password-file", pwFile}, 0, `{
  "file": "BACKUPDIR/BACKUP",
  "version": 3,
  "made_by": "cakebackup",
  "for_app": "Cake Wallet",
  "app_version": "cakebackup 0.1.0",
  "created": "CREATED",
  "size": "SIZE",
  "plain_size": "PLAIN_SIZE",
  "chunks": 1,
  "inner_sha512": "INNER_SHA512",
  "decrypted": true,
  "app_can_import": false,
  "wallets": [
    "bitcoin/savings",
    "litecoin/spending",
    "monero/main"
  ],
  "files": [
    {
      "name": "wallets/bitcoin/savings/savings",
      "size": 170
    },
    {
      "name": "wallets/bitcoin/savings/savings.address.txt",
      "size": 43
    },
    {
      "name": "wallets/litecoin/spending/spending",
      "size": 73
    },
    {
      "name": "wallets/monero/main/main",
      "size": 681
    },
    {
      "name": "wallets/monero/main/main.address.txt",
      "size": 97
    },
    {
      "name": "wallets/monero/main/main.keys",
      "size": 134
    },
    {
      "name": "~_keychain_dump",
      "size": 119
    },
    {
      "name": "~_preferences_dump",
      "size": 456
    },
    {
      "name": "~_transaction_descriptions_dump",
      "size": 142
    }
  ]
}
`},
		{[]string{"restore", file, "--to", restoreTo, "--password-file", pwFile}, 0, `{
  "file": "BACKUPDIR/BACKUP",
  "restored_to": "TMP/r",
  "ok": true,
  "chunks": 1
}
`},
	} {
		code := c.run(append(tt.args, "--json")...)
		if got := wholeJSON(c.stdout.String(), dirs); code != tt.code || got != tt.want {
			t.Errorf("%s --json: exit %d, printed\n%s\nwant exit %d,\n%s", strings.Join(tt.args[:1], " "), code, got, tt.code, tt.want)
		}
	}
}
