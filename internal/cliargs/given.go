package cliargs

// BoolGiven reports whether the boolean flag name is set in args, the
// command line as typed (-name or --name, alone or =true), before any
// "--": for a run that failed before its flags were parsed, or whose
// parse failed.
func BoolGiven(args []string, name string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--" + name, "-" + name, "--" + name + "=true", "-" + name + "=true":
			return true
		}
	}
	return false
}
